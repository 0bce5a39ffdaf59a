import torch.nn as nn


class Classifier(nn.Module):
    """A backbone and a head, both given by the caller."""

    def __init__(self, backbone, head):
        super().__init__()
        self.backbone = backbone
        self.head = head

    def forward(self, x):
        return self.head(self.backbone(x))
