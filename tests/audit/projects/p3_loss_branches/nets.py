"""Segmentation nets for the training script."""
import torch
import torch.nn as nn


class TinySeg(nn.Module):
    def __init__(self, n_channels, n_classes):
        super().__init__()
        self.n_classes = n_classes
        self.body = nn.Conv2d(n_channels, 16, 3, padding=1)
        self.head = nn.Conv2d(16, n_classes, 1)

    def forward(self, x):
        x = torch.relu(self.body(x))
        return torch.sigmoid(self.head(x))
