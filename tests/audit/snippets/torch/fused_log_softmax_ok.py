# expect: none
"""Log-space throughout: log_softmax and logsigmoid, never log of a probability."""
import torch
import torch.nn.functional as F


def label_smoothed_nll(logits, target, eps=0.1):
    log_probs = F.log_softmax(logits, dim=-1)
    nll = -log_probs.gather(dim=-1, index=target.unsqueeze(-1)).squeeze(-1)
    smooth = -log_probs.mean(dim=-1)
    return ((1 - eps) * nll + eps * smooth).mean()


def binary_loss(logit, y):
    return -(y * F.logsigmoid(logit) + (1 - y) * F.logsigmoid(-logit)).mean()


def entropy(logits):
    p = torch.softmax(logits, dim=-1)
    return -(p * torch.log(p.clamp_min(1e-12))).sum(-1)
