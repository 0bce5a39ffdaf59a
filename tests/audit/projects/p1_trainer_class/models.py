import torch
import torch.nn as nn


class ConvNet(nn.Module):
    """Small CNN for 32x32 RGB images."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(64 * 8 * 8, num_classes)

    def forward(self, x):
        x = self.features(x).flatten(1)
        logits = self.classifier(x)
        return torch.softmax(logits, dim=-1)
