# expect: none
# The same base block; the binary head hands it a linear layer only, and its loss applies the sigmoid.
# (raw scores into BCEWithLogitsLoss)
import torch.nn as nn


class Chain(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.steps = nn.ModuleList(modules)

    def forward(self, x):
        for step in self.steps:
            x = step(x)
        return x


class BinaryHead(Chain):
    def __init__(self):
        super().__init__(nn.LazyLinear(1))
        self.criterion = nn.BCEWithLogitsLoss()

    def training_loss(self, x, y):
        scores = self(x)
        # the Chain's forward, run on this head's modules
        return self.criterion(scores, y)
