"""Extractive summarisation: a score in (0, 1) per sentence."""
import torch.nn as nn


class Summarizer(nn.Module):
    def __init__(self, hidden=256):
        super().__init__()
        self.encoder = nn.GRU(300, hidden, batch_first=True)
        self.score = nn.Linear(hidden, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, sentences):
        states, _ = self.encoder(sentences)
        return self.sigmoid(self.score(states)).squeeze(-1)
