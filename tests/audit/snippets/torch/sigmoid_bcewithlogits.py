# expect: LM002:37
"""Binary classifier on tabular data: torch.sigmoid in forward, then BCEWithLogitsLoss."""
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

BATCH = 256
EPOCHS = 30

df = pd.read_csv("churn.csv")
features = torch.tensor(df.drop(columns=["churned"]).values, dtype=torch.float32)
labels = torch.tensor(df["churned"].values, dtype=torch.float32).unsqueeze(1)
loader = DataLoader(TensorDataset(features, labels), batch_size=BATCH, shuffle=True)


class ChurnNet(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.hidden = nn.Linear(n_in, 64)
        self.out = nn.Linear(64, 1)

    def forward(self, x):
        h = torch.relu(self.hidden(x))
        return torch.sigmoid(self.out(h))


model = ChurnNet(features.shape[1])
pos_weight = torch.tensor([3.0])
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-2)

for epoch in range(EPOCHS):
    for xb, yb in loader:
        opt.zero_grad()
        pred = model(xb)
        loss = criterion(pred, yb)
        loss.backward()
        opt.step()
