import torch.nn as nn
import torch.nn.functional as F

from .registry import build_head, register


@register
class SegHead(nn.Module):
    def __init__(self, in_channels=128, num_classes=5, presence=None):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, num_classes, 1)
        self.presence = build_head(presence) if presence else None

    def forward(self, x):
        output = {"seg": self.conv(x)}
        if self.presence is not None:
            output.update(self.presence(x))
        return output

    def loss(self, output, batch):
        seg_criterion = nn.CrossEntropyLoss(ignore_index=255)
        presence_criterion = nn.BCEWithLogitsLoss()
        loss = seg_criterion(output["seg"], batch["mask"].long())
        if "presence" in output:
            loss = loss + 0.1 * presence_criterion(output["presence"], batch["presence"].float())
        return loss
