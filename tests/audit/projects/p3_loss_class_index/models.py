"""A scene-parsing network with an auxiliary head (deep supervision); the main head returns probabilities."""
import torch.nn as nn
import torch.nn.functional as F


class PSPLite(nn.Module):
    def __init__(self, n_classes=21):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(3, 128, 3, padding=1), nn.ReLU())
        self.main = nn.Conv2d(128, n_classes, 1)
        self.aux = nn.Conv2d(128, n_classes, 1)

    def forward(self, x):
        feats = self.encoder(x)
        return F.softmax(self.main(feats), dim=1), self.aux(feats)
