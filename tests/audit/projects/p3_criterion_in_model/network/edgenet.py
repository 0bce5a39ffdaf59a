"""A segmentation network with an edge stream; in training it returns the loss of its outputs."""
import torch.nn as nn


class EdgeNet(nn.Module):
    def __init__(self, num_classes, criterion=None):
        super().__init__()
        self.criterion = criterion
        self.body = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.ReLU(inplace=True))
        self.seg = nn.Conv2d(64, num_classes, 1)
        self.edge = nn.Conv2d(64, 1, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x, gts=None):
        feats = self.body(x)
        seg_out = self.seg(feats)
        edge_out = self.sigmoid(self.edge(feats))
        if self.training:
            return self.criterion((seg_out, edge_out), gts)
        return seg_out, edge_out
