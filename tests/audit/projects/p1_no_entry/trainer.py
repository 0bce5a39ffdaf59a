"""Training loop; the entry point lives in the experiment repository."""
import logging

import torch
import torch.nn as nn

logger = logging.getLogger(__name__)


def fit(model, train_loader, val_loader=None, epochs=5, lr=1e-3, device="cpu"):
    model.to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        for tokens, labels in train_loader:
            tokens, labels = tokens.to(device), labels.to(device)
            logits = model(tokens)
            loss = criterion(logits, labels)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
        logger.info("epoch %d loss %.4f", epoch, loss.item())
        if val_loader is not None:
            logger.info("val acc %.4f", accuracy(model, val_loader, device))
    return model


@torch.no_grad()
def accuracy(model, loader, device):
    model.eval()
    right = total = 0
    for tokens, labels in loader:
        pred = model(tokens.to(device)).argmax(dim=-1).cpu()
        right += (pred == labels).sum().item()
        total += labels.numel()
    return right / max(total, 1)
