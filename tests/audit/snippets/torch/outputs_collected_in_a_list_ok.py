# expect: none
"""The same loop with the decoder returning raw mask scores for the focal loss on logits."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def sigmoid_focal_loss(inputs, targets, gamma=2.0):
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p = torch.sigmoid(inputs)
    p_t = p * targets + (1 - p) * (1 - targets)
    return (ce * (1 - p_t) ** gamma).mean()


class MaskDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(64, 1, 1)

    def forward(self, feats):
        return self.conv(feats), feats


decoder = MaskDecoder()
pred_masks = []
for feats in per_sample_features:
    mask, _ = decoder(feats)
    pred_masks.append(mask.squeeze(1))
loss = 0
for b in range(len(pred_masks)):
    loss = loss + sigmoid_focal_loss(pred_masks[b], gt_masks[b])
