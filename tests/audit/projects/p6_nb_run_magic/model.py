"""The classifier the notebook runs with %run."""
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, n_in=4, n_classes=3):
        super().__init__()
        self.fc1 = nn.Linear(n_in, 16)
        self.fc2 = nn.Linear(16, n_classes)

    def forward(self, x):
        return F.softmax(self.fc2(self.fc1(x).relu()), dim=1)
