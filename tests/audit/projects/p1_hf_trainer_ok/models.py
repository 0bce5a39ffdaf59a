import torch
from torch import nn


class TextCNN(nn.Module):
    """Sentence classifier: embeddings, one convolution, max-pooling, two classes."""

    def __init__(self, vocab_size, dim=128, n_classes=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.conv = nn.Conv1d(dim, 100, 3, padding=1)
        self.out = nn.Linear(100, n_classes)

    def forward(self, input_ids, masks=None):
        h = torch.relu(self.conv(self.embed(input_ids).transpose(1, 2))).max(dim=2).values
        return self.out(h)
