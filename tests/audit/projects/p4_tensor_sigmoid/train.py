import argparse
import logging

import pandas as pd
import torch
import torch.nn as nn

from models import ChurnNet

logging.basicConfig(level=logging.INFO)
parser = argparse.ArgumentParser()
parser.add_argument("--csv", default="churn.csv")
parser.add_argument("--epochs", type=int, default=50)
args = parser.parse_args()

df = pd.read_csv(args.csv)
x = torch.tensor(df.drop(columns="churned").values, dtype=torch.float32)
y = torch.tensor(df["churned"].values, dtype=torch.float32).unsqueeze(1)

model = ChurnNet(x.shape[1])
criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0]))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(args.epochs):
    pred = model(x)
    loss = criterion(pred, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    logging.info("epoch %d loss %.4f", epoch, loss.item())
