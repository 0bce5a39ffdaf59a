import torch
from torch import nn


class TinyUNet(nn.Module):
    """A two-level encoder-decoder giving a one-channel road mask."""

    def __init__(self, channels=3, width=16):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.up = nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(width, width, 3, padding=1), nn.ReLU())
        self.head = nn.Conv2d(width, 1, 1)

    def forward(self, images):
        features = self.up(self.down(images))
        return torch.sigmoid(self.head(features))
