import argparse

import numpy as np
import torch
import torch.nn as nn

from models import Classifier


def main():
    ap = argparse.ArgumentParser(description="speaker-emotion classifier on MFCC means")
    ap.add_argument("--npz", default="mfcc.npz")
    ap.add_argument("--epochs", type=int, default=30)
    args = ap.parse_args()
    data = np.load(args.npz)
    x = torch.tensor(data["x"], dtype=torch.float32)
    y = torch.tensor(data["y"], dtype=torch.long)
    model = Classifier(in_dim=x.shape[1])
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(args.epochs):
        perm = torch.randperm(len(y))
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            loss = criterion(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
