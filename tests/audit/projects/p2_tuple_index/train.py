import argparse

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import transforms

from data import ATTRS, AttrDataset
from models import AttributeNet


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", default="attrs/train.csv")
    ap.add_argument("--epochs", type=int, default=10)
    args = ap.parse_args()
    ds = AttrDataset(args.csv, transforms.Compose([transforms.Resize((128, 128)), transforms.ToTensor()]))
    loader = DataLoader(ds, batch_size=32, shuffle=True)
    model = AttributeNet(num_attrs=len(ATTRS))
    criterion = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    for epoch in range(args.epochs):
        for imgs, targets in loader:
            scores = model(imgs)[0]
            loss = criterion(scores, targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            hit = ((torch.sigmoid(scores) > 0.5).float() == targets).float().mean()
        print(epoch, loss.item(), hit.item())


if __name__ == "__main__":
    main()
