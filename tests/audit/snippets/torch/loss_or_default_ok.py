# expect: none
# The default after `or` is the probability form of BCE, which the sigmoid head takes.
import torch.nn as nn


class BinaryHead(nn.Module):
    def __init__(self, loss=None):
        super().__init__()
        self.net = nn.Sequential(nn.LazyLinear(1), nn.Sigmoid())
        self.criterion = loss or nn.BCELoss()

    def forward(self, x):
        return self.net(x)


    def training_loss(self, x, y):
        return self.criterion(self(x), y)


head = BinaryHead()
