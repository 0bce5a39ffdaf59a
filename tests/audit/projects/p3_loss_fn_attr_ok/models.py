import torch
import torch.nn as nn


class TagNet(nn.Module):
    """Bag-of-embeddings tagger: one independent output per tag."""

    def __init__(self, vocab_size, num_tags, dim=100):
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.fc = nn.Linear(dim, num_tags)

    def forward(self, tokens, offsets):
        return self.fc(self.emb(tokens, offsets))
