import torch
from torch import nn


class FullScaleNet(nn.Module):
    def __init__(self, n_channels=3, n_classes=1):
        super().__init__()
        self.n_classes = n_classes
        self.body = nn.Sequential(nn.Conv2d(n_channels, 32, 3, padding=1), nn.ReLU())
        self.head = nn.Conv2d(32, n_classes, 1)

    def forward(self, x):
        return self.head(self.body(x))


class PlainNet(nn.Module):
    def __init__(self, n_channels=3, n_classes=1):
        super().__init__()
        self.n_classes = n_classes
        self.head = nn.Conv2d(n_channels, n_classes, 1)

    def forward(self, x):
        return self.head(x)
