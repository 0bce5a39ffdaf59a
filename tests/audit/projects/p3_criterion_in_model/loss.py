"""Losses: the joint segmentation + edge loss for training, plain cross-entropy otherwise."""
import torch.nn as nn
import torch.nn.functional as F


class JointEdgeSegLoss(nn.Module):
    def __init__(self, edge_weight=1.0):
        super().__init__()
        self.edge_weight = edge_weight

    def forward(self, inputs, targets):
        seg_in, edge_in = inputs
        seg_mask, edge_mask = targets
        return F.cross_entropy(seg_in, seg_mask) + self.edge_weight * F.binary_cross_entropy_with_logits(
            edge_in, edge_mask)


def get_loss(args):
    if args.joint_edgeseg_loss:
        criterion = JointEdgeSegLoss(edge_weight=args.edge_weight)
    else:
        criterion = nn.CrossEntropyLoss(ignore_index=255)
    criterion_val = nn.CrossEntropyLoss(ignore_index=255)
    return criterion, criterion_val
