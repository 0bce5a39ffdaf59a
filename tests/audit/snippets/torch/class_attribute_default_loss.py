# expect: LM002:18
# The loss class is a class attribute (a default subclasses may change); the head already ends in sigmoid.
import torch.nn as nn


class BinaryHead(nn.Module):
    DEFAULT_LOSS = nn.BCEWithLogitsLoss

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.LazyLinear(1), nn.Sigmoid())
        self.criterion = self.DEFAULT_LOSS()

    def forward(self, x):
        return self.net(x)

    def training_loss(self, x, y):
        return self.criterion(self(x), y)
