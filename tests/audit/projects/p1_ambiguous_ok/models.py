import torch
import torch.nn as nn


class LinearProbe(nn.Module):
    def __init__(self, in_dim, num_classes):
        super().__init__()
        self.fc = nn.Linear(in_dim, num_classes)

    def forward(self, feats):
        return self.fc(feats.mean(dim=1))


class MLPClassifier(nn.Module):
    def __init__(self, in_dim, num_classes, hidden=256):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.GELU(), nn.Linear(hidden, num_classes))

    def forward(self, feats):
        return self.net(feats.mean(dim=1))


class AttnPoolClassifier(nn.Module):
    def __init__(self, in_dim, num_classes):
        super().__init__()
        self.score = nn.Linear(in_dim, 1)
        self.fc = nn.Linear(in_dim, num_classes)

    def forward(self, feats):
        weights = torch.softmax(self.score(feats), dim=1)
        pooled = (weights * feats).sum(dim=1)
        return self.fc(pooled)


def build(name, **kwargs):
    table = {"linear": LinearProbe, "mlp": MLPClassifier, "attn": AttnPoolClassifier}
    return table[name](**kwargs)
