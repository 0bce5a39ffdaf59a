import torch.nn.functional as F


def classification_loss(scores, labels, smoothing=0.0):
    return F.cross_entropy(scores, labels, label_smoothing=smoothing)
