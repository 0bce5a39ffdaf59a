import argparse

import torch
import torch.nn as nn

from .data import load_features
from .models import Classifier


def main():
    ap = argparse.ArgumentParser(prog="python -m emotion.train")
    ap.add_argument("--npz", default="mfcc.npz")
    args = ap.parse_args()
    x, y = load_features(args.npz)
    model = Classifier(in_dim=x.shape[1])
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for step in range(1000):
        idx = torch.randint(0, len(y), (64,))
        loss = criterion(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()


if __name__ == "__main__":
    main()
