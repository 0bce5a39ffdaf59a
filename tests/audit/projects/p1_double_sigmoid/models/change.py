import torch
from torch import nn


class ChangeNet(nn.Module):
    """Siamese change detector: both dates through one encoder, a 1-channel change map out."""

    def __init__(self, width=16):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.ReLU())
        self.decoder = nn.Conv2d(2 * width, 1, 1)
        self.prob = nn.Sigmoid()

    def forward(self, before, after):
        both = torch.cat([self.encoder(before), self.encoder(after)], dim=1)
        return self.prob(self.decoder(both))
