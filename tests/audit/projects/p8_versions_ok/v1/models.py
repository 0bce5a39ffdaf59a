import torch.nn as nn
import torch.nn.functional as F


class Classifier(nn.Module):
    def __init__(self, in_dim=40, num_classes=8):
        super().__init__()
        self.hidden = nn.Linear(in_dim, 128)
        self.out = nn.Linear(128, num_classes)

    def forward(self, x):
        return F.softmax(self.out(F.relu(self.hidden(x))), dim=1)
