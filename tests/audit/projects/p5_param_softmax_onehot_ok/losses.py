"""Class-balanced losses (effective number of samples per class)."""
import numpy as np
import torch
import torch.nn.functional as F


def class_weights(samples_per_class, beta):
    effective = 1.0 - np.power(beta, samples_per_class)
    weights = (1.0 - beta) / np.array(effective)
    return weights / np.sum(weights) * len(samples_per_class)


def balanced_loss(labels, logits, samples_per_class, n_classes, beta=0.999):
    weights = torch.tensor(class_weights(samples_per_class, beta)).float()
    labels_one_hot = F.one_hot(labels, n_classes).float()
    weights = (weights.unsqueeze(0) * labels_one_hot).sum(1, keepdim=True).repeat(1, n_classes)
    return -(weights * labels_one_hot * F.log_softmax(logits, dim=1)).sum(1).mean()
