# expect: LM002:26
# A base block stores the modules its subclass hands to super().__init__ and runs them in turn; the binary head
# hands it a sigmoid, and its loss applies sigmoid again.
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
        super().__init__(nn.LazyLinear(1), nn.Sigmoid())
        self.criterion = nn.BCEWithLogitsLoss()

    def training_loss(self, x, y):
        scores = self(x)
        # the Chain's forward, run on this head's modules
        return self.criterion(scores, y)
