# expect: LM002:17
# The head keeps its loss as an attribute; the training code calls head.loss on the head's (sigmoid) output.
import torch.nn as nn


class PresenceHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.LazyLinear(1), nn.Sigmoid())
        self.loss = nn.BCEWithLogitsLoss()

    def forward(self, x):
        return self.net(x)


head = PresenceHead()
loss = head.loss(head(features), present)
