import torch.nn as nn


def build_mlp(in_dim, num_classes, hidden=(256, 128)):
    layers = []
    for h in hidden:
        layers += [nn.Linear(in_dim, h), nn.ReLU()]
        in_dim = h
    layers += [nn.Linear(in_dim, num_classes)]
    return nn.Sequential(*layers)
