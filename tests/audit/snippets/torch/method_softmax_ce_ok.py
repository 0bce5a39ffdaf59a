# expect: none
"""Logits go to CrossEntropyLoss; .softmax(dim) is used only for reporting probabilities."""
import torch
from torch import nn

NUM_CLASSES = 5


class Classifier(nn.Module):
    def __init__(self, in_features, n_classes=NUM_CLASSES):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(in_features, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.head = nn.Linear(32, n_classes)

    def forward(self, x):
        return self.head(self.body(x))


model = Classifier(20)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
x = torch.randn(128, 20)
y = torch.randint(0, NUM_CLASSES, (128,))
for step in range(100):
    logits = model(x)
    loss = criterion(logits, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    probs = logits.softmax(dim=1)
    confidence = probs.max(dim=1).values.mean()
