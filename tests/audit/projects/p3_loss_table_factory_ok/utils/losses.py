from torch import nn

LOSSES = {
    "bce": nn.BCEWithLogitsLoss(),
    "ce": nn.CrossEntropyLoss(),
    "huber": nn.SmoothL1Loss(),
}


def get_loss_function(name):
    """The loss the configuration names."""
    return LOSSES[name]
