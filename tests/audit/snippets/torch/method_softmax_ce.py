# expect: LM001:28
"""The forward pass ends in `.softmax(-1)` and the training loop uses F.cross_entropy."""
import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 7
EMBED = 128


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes=NUM_CLASSES):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, EMBED)
        self.fc = nn.Linear(EMBED, n_classes)

    def forward(self, text, offsets):
        embedded = self.embedding(text, offsets)
        return self.fc(embedded).softmax(-1)


def train_epoch(model, loader, optimizer):
    model.train()
    total = 0.0
    for label, text, offsets in loader:
        optimizer.zero_grad()
        predicted = model(text, offsets)
        loss = F.cross_entropy(
            predicted,
            label,
        )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total += loss.item()
    return total


model = TextClassifier(95811)
train_epoch(model, train_loader, torch.optim.SGD(model.parameters(), lr=5.0))
