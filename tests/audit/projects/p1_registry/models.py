import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, in_dim, num_classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, 128), nn.ReLU(), nn.Linear(128, num_classes))

    def forward(self, x):
        return F.softmax(self.net(x), dim=1)


class WideMLP(nn.Module):
    def __init__(self, in_dim, num_classes):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(in_dim, 512), nn.ReLU(), nn.Dropout(0.3), nn.Linear(512, 512), nn.ReLU())
        self.head = nn.Linear(512, num_classes)

    def forward(self, x):
        return F.softmax(self.head(self.body(x)), dim=1)


MODELS = {"mlp": MLP, "wide": WideMLP}
