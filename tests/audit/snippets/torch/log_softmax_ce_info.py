# expect: LM050:25
"""log_softmax into CrossEntropyLoss: redundant (log_softmax is idempotent), reported as info only."""
import torch
import torch.nn as nn
import torch.nn.functional as F

num_classes = 10


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3)
        self.fc = nn.Linear(16 * 26 * 26, num_classes)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = self.fc(x.view(x.size(0), -1))
        return F.log_softmax(x, dim=1)


model = ConvNet()
criterion = nn.CrossEntropyLoss()
for images, labels in train_loader:
    loss = criterion(model(images), labels)
    loss.backward()
