# expect: LM002:30
# The last block (last=True) ends in sigmoid, and the loss applies it again.
import torch
from torch import nn


class Critic(nn.Module):
    def __init__(self, channels=3, width=16):
        super().__init__()
        self.blocks = nn.Sequential(self._block(channels, width), self._block(width, 1, last=True))

    @staticmethod
    def _block(cin, cout, last=False):
        if not last:
            block = nn.Sequential(nn.Conv2d(cin, cout, 4, 2, 1), nn.LeakyReLU(0.2))
        else:
            block = nn.Sequential(nn.Conv2d(cin, cout, 4, 2, 1), nn.Sigmoid())
        return block

    def forward(self, images):
        return self.blocks(images).view(-1)


critic = Critic()
criterion = nn.BCEWithLogitsLoss()


def critic_step(real):
    scores = critic(real)
    return criterion(scores, torch.ones_like(scores))
