import argparse

import torch
import torch.nn as nn

from nets import TinySeg


def train_net(net, loader, epochs=5, lr=0.01):
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    if net.n_classes > 1:
        criterion = nn.CrossEntropyLoss()
    else:
        criterion = nn.BCEWithLogitsLoss()
    for _ in range(epochs):
        for images, masks in loader:
            masks_pred = net(images)
            loss = criterion(masks_pred, masks)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    net = TinySeg(n_channels=3, n_classes=1)
    train_net(net=net, loader=[], epochs=args.epochs)
