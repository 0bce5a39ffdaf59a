# expect: none
# One activation each: the network ends in nn.Sigmoid and nn.BCELoss takes its output as it is; a second
# softmax only for display (the class of a row is its arg-max, unchanged); a sigmoid applied twice only on
# an inference branch that never reaches a loss.
import torch
import torch.nn as nn


class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 1)

    def forward(self, x):
        return torch.sigmoid(self.fc(x))


gate = Gate()
bce = nn.BCELoss()
for x, y in loader:
    p = gate(x)
    bce(p, y).backward()
    shown = torch.sigmoid(p)
    print(shown.mean())

head = nn.Sequential(nn.Linear(16, 4), nn.Softmax(dim=-1))
for x, y in loader:
    flat = torch.softmax(head(x), dim=-1)
    print(flat.argmax(-1))
