import torch.nn as nn


def conv_block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2))


def make_encoder(width=32):
    return nn.Sequential(conv_block(3, width), conv_block(width, width * 2), nn.AdaptiveAvgPool2d(1), nn.Flatten())
