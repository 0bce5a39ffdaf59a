import torch
import torch.nn as nn

from .registry import register


@register
class PresenceHead(nn.Module):
    """Whether each of the lanes is present in the image."""

    def __init__(self, in_channels=128, num_lanes=4):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(in_channels, num_lanes)

    def forward(self, x):
        x = self.pool(x).flatten(1)
        return {"presence": self.fc(x)}
