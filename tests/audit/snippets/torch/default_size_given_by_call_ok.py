# expect: none
# The head's size is a constructor default (1) that the call replaces (80): no one-unit softmax, no one-unit CE.
import torch.nn as nn

NUM_CLASSES = 80


class Tagger(nn.Module):
    def __init__(self, features=512, num_classes=1):
        super().__init__()
        self.head = nn.Linear(features, num_classes)

    def forward(self, x):
        return self.head(x)


def train(model, loader):
    criterion = nn.CrossEntropyLoss()
    to_probs = nn.Softmax(dim=1)
    for x, y in loader:
        scores = model(x)
        loss = criterion(scores, y)
        shown = to_probs(scores)


def main(loader):
    train(Tagger(num_classes=NUM_CLASSES), loader)
