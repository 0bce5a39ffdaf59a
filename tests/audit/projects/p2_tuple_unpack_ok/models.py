import torch.nn as nn
import torch.nn.functional as F
import torchvision


class EmbeddingNet(nn.Module):
    """ResNet-18 trunk with an identity classifier and a normalised embedding."""

    def __init__(self, num_ids, emb_dim=128):
        super().__init__()
        trunk = torchvision.models.resnet18(weights=None)
        trunk.fc = nn.Identity()
        self.trunk = trunk
        self.proj = nn.Linear(512, emb_dim)
        self.cls = nn.Linear(512, num_ids)

    def forward(self, x):
        feats = self.trunk(x)
        emb = F.normalize(self.proj(feats), dim=1)
        logits = self.cls(feats)
        return logits, emb
