from torch import nn


class ProbeHead(nn.Module):
    """A small classifier trained on frozen features while the encoder learns."""

    def __init__(self, n_input, n_classes, n_hidden=512):
        super().__init__()
        self.block = nn.Sequential(
            nn.Flatten(),
            nn.Linear(n_input, n_hidden),
            nn.ReLU(inplace=True),
            nn.Linear(n_hidden, n_classes),
        )

    def forward(self, features):
        return self.block(features)
