# expect: none
"""The same head with a sigmoid written into the box slice only: the class scores stay raw for F.cross_entropy."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class DetectionHead(nn.Module):
    def __init__(self, dim, num_classes, bbox_attrs=4):
        super().__init__()
        self.bbox_attrs = bbox_attrs
        self.proj = nn.Conv2d(dim, bbox_attrs + num_classes + 1, kernel_size=1)

    def forward(self, feats):
        out = self.proj(feats)
        b, c, h, w = out.shape
        out = out.permute(0, 2, 3, 1).reshape(b, h * w, c).contiguous()
        out[..., :self.bbox_attrs] = out[..., :self.bbox_attrs].sigmoid()
        return out


class SetCriterion(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.num_classes = num_classes

    def loss_labels(self, outputs, targets):
        logits = outputs[..., 4:]
        classes = torch.full(logits.shape[:2], self.num_classes, dtype=torch.long)
        return F.cross_entropy(logits.transpose(1, 2), classes)

    def forward(self, outputs, targets):
        targets = [t.to(outputs.device) for t in targets]
        return self.loss_labels(outputs, targets)


model = nn.Sequential(nn.Conv2d(3, 256, 16, stride=16), nn.GELU(), DetectionHead(256, 20))
criterion = SetCriterion(num_classes=20)
for images, boxes in loader:
    out = model(images)
    loss = criterion(out, boxes)
    loss.backward()
