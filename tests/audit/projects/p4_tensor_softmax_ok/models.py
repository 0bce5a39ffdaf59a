import torch
import torch.nn as nn


class TinyTransformer(nn.Module):
    def __init__(self, vocab_size, num_classes, d_model=128, nhead=4, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model)
        enc = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=256, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc, layers)
        self.proj = nn.Linear(d_model, num_classes)

    def forward(self, ids):
        h = self.encoder(self.embed(ids)).mean(dim=1)
        return self.proj(h)
