import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

from models import MODELS


def load_split(path):
    data = np.load(path)
    x = torch.tensor(data["x"], dtype=torch.float32)
    y = torch.tensor(data["y"], dtype=torch.long)
    return TensorDataset(x, y)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", choices=sorted(MODELS), default="mlp")
    parser.add_argument("--train", default="data/train.npz")
    parser.add_argument("--classes", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()

    ds = load_split(args.train)
    loader = DataLoader(ds, batch_size=64, shuffle=True)
    model = MODELS[args.arch](ds.tensors[0].shape[1], args.classes)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        total, correct = 0.0, 0
        for xb, yb in loader:
            opt.zero_grad()
            out = model(xb)
            loss = criterion(out, yb)
            loss.backward()
            opt.step()
            total += loss.item()
            correct += (out.softmax(dim=1).argmax(dim=1) == yb).sum().item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f} acc {correct / len(ds):.3f}")


if __name__ == "__main__":
    main()
