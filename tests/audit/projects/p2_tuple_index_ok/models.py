import torch
import torch.nn as nn


class AttributeNet(nn.Module):
    """Predicts 6 independent attributes and returns the spatial attention map for visualisation."""

    def __init__(self, num_attrs=6):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        )
        self.attn = nn.Conv2d(64, 1, 1)
        self.head = nn.Linear(64, num_attrs)

    def forward(self, x):
        f = self.features(x)
        a = torch.sigmoid(self.attn(f))
        pooled = (f * a).mean(dim=(2, 3))
        return self.head(pooled), a
