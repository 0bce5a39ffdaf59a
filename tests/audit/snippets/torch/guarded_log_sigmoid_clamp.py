# expect: LM041:11 LM041:12 LM040:17
"""Binary and categorical cross-entropies by hand on clamped probabilities (the torch spellings)."""
import torch
import torch.nn.functional as F

EPS = 1e-7


def bce(w, b, x, y):
    y_pred = torch.sigmoid(torch.mm(x, w) + b)
    return -(y * y_pred.clamp(min=EPS).log()
             + (1 - y) * (1 - y_pred).clamp(min=EPS).log()).mean()


def soft_target_ce(logits, soft_targets):
    probs = F.softmax(logits, dim=1)
    return -(soft_targets * torch.log(torch.clamp(probs, EPS, 1.0))).sum(1).mean()
