import torch.nn.functional as F
from torch import nn


class ClickSimulator(nn.Module):
    """Predicts whether a user clicks an item: two classes, sampled with the Gumbel-softmax trick."""

    def __init__(self, n_users, n_items, dim=32, tau=0.5):
        super().__init__()
        self.users = nn.Embedding(n_users, dim)
        self.items = nn.Embedding(n_items, dim)
        self.head = nn.Linear(2 * dim, 2)
        self.tau = tau

    def forward(self, user, item):
        out = self.head(nn.functional.relu(self.users(user) + self.items(item)).repeat(1, 2))
        return out  # the logits; gumbel_softmax(out, self.tau) only when sampling clicks
