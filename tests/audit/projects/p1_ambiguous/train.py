"""Train a probe on frozen features: python train.py {linear,mlp,attn} features.pt"""
import sys

import torch
import torch.nn as nn

from models import build


def main(argv):
    name, path = argv[1], argv[2]
    blob = torch.load(path)
    feats, labels = blob["features"], blob["labels"]
    model = build(name, in_dim=feats.shape[-1], num_classes=int(labels.max()) + 1)
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(500):
        idx = torch.randint(0, len(labels), (128,))
        loss = criterion(model(feats[idx]), labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print(f"step {step} loss {loss.item():.4f}")
    torch.save(model.state_dict(), f"probe_{name}.pt")


if __name__ == "__main__":
    main(sys.argv)
