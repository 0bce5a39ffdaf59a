import torch.nn as nn
import torch.nn.functional as F

from base import TorchClassifier


class LogisticRegression(TorchClassifier):
    def __init__(self, n_features, n_classes):
        super().__init__()
        self.linear = nn.Linear(n_features, n_classes)

    def forward(self, x):
        return F.softmax(self.linear(x), dim=1)


class MLP(TorchClassifier):
    def __init__(self, n_features, n_classes, hidden=64):
        super().__init__()
        self.hidden = nn.Linear(n_features, hidden)
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, x):
        return F.softmax(self.out(F.relu(self.hidden(x))), dim=1)
