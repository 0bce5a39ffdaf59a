"""A segmentation network with a body head and an edge head (the edge head ends in a sigmoid)."""
import torch.nn as nn
import torch.nn.functional as F


class EdgeSegNet(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        self.seg_head = nn.Conv2d(64, num_classes, 1)
        self.edge_head = nn.Conv2d(64, 1, 1)
        self.sigmoid_edge = nn.Sigmoid()

    def forward(self, images):
        size = images.shape[2:]
        feats = self.backbone(images)
        seg = F.interpolate(self.seg_head(feats), size=size, mode="bilinear", align_corners=False)
        edge = F.interpolate(self.edge_head(feats), size=size, mode="bilinear", align_corners=False)
        return seg, self.sigmoid_edge(edge)
