# expect: none
# The class attribute names the probability form of BCE, which the sigmoid head takes.
import torch.nn as nn


class BinaryHead(nn.Module):
    DEFAULT_LOSS = nn.BCELoss

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.LazyLinear(1), nn.Sigmoid())
        self.criterion = self.DEFAULT_LOSS()

    def forward(self, x):
        return self.net(x)

    def training_loss(self, x, y):
        return self.criterion(self(x), y)
