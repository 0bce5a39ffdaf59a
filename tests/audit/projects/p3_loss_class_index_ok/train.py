"""Deep-supervision training: the loss weighs the main and the auxiliary predictions."""
import torch
import torch.nn as nn

from models import PSPLite


class DeepSupervisionLoss(nn.Module):
    def __init__(self, aux_weight=0.4):
        super().__init__()
        self.ce = nn.CrossEntropyLoss(ignore_index=255)
        self.aux_weight = aux_weight

    def forward(self, preds, target):
        main_loss = self.ce(preds[0], target)
        aux_loss = self.ce(preds[1], target)
        return main_loss + self.aux_weight * aux_loss


model = PSPLite(n_classes=21)
criterion = DeepSupervisionLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for images, masks in train_loader:
    loss = criterion(model(images), masks)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
