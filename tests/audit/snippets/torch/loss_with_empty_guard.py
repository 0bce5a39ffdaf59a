# expect: LM001:12
# A guard that returns zero on an empty batch does not hide the loss below it: the softmax output meets
# cross_entropy, which applies log_softmax itself.
import torch
import torch.nn as nn
import torch.nn.functional as F


def masked_ce(scores, target, mask):
    if mask.sum() == 0:
        return scores.sum() * 0
    return F.cross_entropy(scores[mask], target[mask])


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 7)

    def forward(self, x):
        return F.softmax(self.fc2(torch.relu(self.fc1(x))), dim=1)


model = Classifier()
for x, y, m in loader:
    out = model(x)
    loss = masked_ce(out, y, m)
    loss.backward()
