import torch.nn as nn


class SoftNet(nn.Module):
    def __init__(self, n_in=4, n_out=3):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_in, 16), nn.ReLU(), nn.Linear(16, n_out), nn.Softmax(dim=1))

    def forward(self, x):
        return self.layers(x)


class LogitNet(nn.Module):
    def __init__(self, n_in=4, n_out=3):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_in, 16), nn.ReLU(), nn.Linear(16, n_out))

    def forward(self, x):
        return self.layers(x)
