# expect: none
# The head keeps the probability form of BCE as its loss attribute: it takes the sigmoid output.
import torch.nn as nn


class PresenceHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.LazyLinear(1), nn.Sigmoid())
        self.loss = nn.BCELoss()

    def forward(self, x):
        return self.net(x)


head = PresenceHead()
loss = head.loss(head(features), present)
