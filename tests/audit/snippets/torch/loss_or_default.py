# expect: LM002:17
# `loss or nn.BCEWithLogitsLoss()`: the head is built without a loss, so the default meets its sigmoid.
import torch.nn as nn


class BinaryHead(nn.Module):
    def __init__(self, loss=None):
        super().__init__()
        self.net = nn.Sequential(nn.LazyLinear(1), nn.Sigmoid())
        self.criterion = loss or nn.BCEWithLogitsLoss()

    def forward(self, x):
        return self.net(x)


    def training_loss(self, x, y):
        return self.criterion(self(x), y)


head = BinaryHead()
