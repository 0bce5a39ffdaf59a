# expect: none
"""Guarded logs of probabilities where the probabilities themselves are needed: an entropy bonus, a KL divergence
weighted by p, a binary entropy, and a focal loss modulated by (1 - p) ** gamma."""
import torch
import torch.nn as nn


def entropy_bonus(logits):
    p = torch.softmax(logits, dim=-1)
    return -(p * torch.log(p + 1e-8)).sum(-1).mean()


def kl_to_prior(logits, prior):
    p = torch.softmax(logits, dim=-1)
    return (p * (torch.log(p.clamp_min(1e-12)) - torch.log(prior.clamp_min(1e-12)))).sum(-1)


def binary_entropy(logit):
    q = torch.sigmoid(logit)
    return -(q * torch.log(q + 1e-6) + (1 - q) * torch.log(1 - q + 1e-6)).mean()


class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, eps=1e-8):
        super().__init__()
        self.gamma = gamma
        self.eps = eps

    def forward(self, logits, targets):
        p = torch.sigmoid(logits)
        pos = targets * (1 - p) ** self.gamma * torch.log(p.clamp(min=self.eps))
        neg = (1 - targets) * torch.pow(p, self.gamma) * torch.log((1 - p).clamp(min=self.eps))
        return -(pos + neg).mean()
