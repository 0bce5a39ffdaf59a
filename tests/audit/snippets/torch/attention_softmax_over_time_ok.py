# expect: none
# nn.Softmax(dim=0) over (seq_len, 1) attention scores weighs the time steps: it is no one-unit class softmax.
import torch
import torch.nn as nn


class WordAttention(nn.Module):
    def __init__(self, hidden=64, classes=4):
        super().__init__()
        self.over_time = nn.Softmax(dim=0)
        self.project = nn.Linear(hidden, hidden)
        self.score = nn.Linear(hidden, 1, bias=False)
        self.classify = nn.Linear(hidden, classes)

    def forward(self, words):
        keys = torch.tanh(self.project(words))
        weights = self.over_time(self.score(keys))
        return self.classify((keys * weights).sum(dim=0))


model = WordAttention()
criterion = nn.CrossEntropyLoss()


def step(words, label):
    return criterion(model(words).unsqueeze(0), label)
