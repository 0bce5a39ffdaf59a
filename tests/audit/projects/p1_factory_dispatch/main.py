import argparse

import torch

from factory import select_model, select_trainer

parser = argparse.ArgumentParser()
parser.add_argument("--model", default="exact", choices=["exact", "approx"])
parser.add_argument("--hidden", type=int, default=16)
parser.add_argument("--lr", type=float, default=0.01)
args = parser.parse_args()

features, adj, labels = torch.load("cora.pt")
idx_train = torch.arange(140)
model = select_model(args, features.shape[1], int(labels.max()) + 1)
trainer = select_trainer(args, model, features, adj, labels, idx_train)
for epoch in range(200):
    trainer.train(epoch)
