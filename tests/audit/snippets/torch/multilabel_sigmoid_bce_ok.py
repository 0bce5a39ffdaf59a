# expect: none
"""Multi-label image tagging (20 tags per image can be on at once): sigmoid + BCELoss is right."""
import torch
import torch.nn as nn
import torchvision

NUM_TAGS = 20

backbone = torchvision.models.resnet18(weights=None)
backbone.fc = nn.Identity()


class Tagger(nn.Module):
    def __init__(self, n_tags=NUM_TAGS):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(512, n_tags)

    def forward(self, images):
        return torch.sigmoid(self.head(self.backbone(images)))


model = Tagger()
criterion = nn.BCELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
for images, tags in voc_loader:
    optimizer.zero_grad()
    loss = criterion(model(images), tags.float())
    loss.backward()
    optimizer.step()
