"""The joint loss: cross-entropy on the segmentation, a class-balanced binary loss on the edges."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class JointEdgeSegLoss(nn.Module):
    def __init__(self, ignore_index=255, edge_weight=20.0):
        super().__init__()
        self.seg_loss = nn.CrossEntropyLoss(ignore_index=ignore_index)
        self.edge_weight = edge_weight

    def balanced_bce(self, edge, mask):
        pos = (mask == 1).float()
        neg = (mask == 0).float()
        weight = pos * neg.sum() / (pos.sum() + neg.sum()) + neg * pos.sum() / (pos.sum() + neg.sum())
        return F.binary_cross_entropy_with_logits(edge, mask, weight)

    def forward(self, inputs, targets):
        seg_in, edge_in = inputs
        seg_mask, edge_mask = targets
        losses = {"seg": self.seg_loss(seg_in, seg_mask),
                  "edge": self.edge_weight * self.balanced_bce(edge_in, edge_mask)}
        return losses
