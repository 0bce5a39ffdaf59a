import torch.nn as nn
import torch.nn.functional as F


class Classifier(nn.Module):
    """v2: returns logits; CrossEntropyLoss applies log-softmax."""

    def __init__(self, in_dim=40, num_classes=8):
        super().__init__()
        self.hidden = nn.Linear(in_dim, 256)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(256, num_classes)

    def forward(self, x):
        return self.out(self.drop(F.relu(self.hidden(x))))
