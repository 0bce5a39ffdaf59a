import torch
import torch.nn as nn

from losses import balanced_loss

COUNTS = [500, 120, 40, 12, 3]


def train(model, loader, epochs=3):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        for x, y in loader:
            loss = balanced_loss(y, model(x), COUNTS, len(COUNTS))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


if __name__ == "__main__":
    train(nn.Linear(32, len(COUNTS)), [])
