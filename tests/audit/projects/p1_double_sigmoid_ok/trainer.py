import torch
from torch import nn


def train_epoch(net, loader, optimizer):
    bce = nn.BCELoss()
    net.train()
    for before, after, change in loader:
        optimizer.zero_grad()
        change_prob = torch.sigmoid(net(before, after))
        loss = bce(change_prob, change)
        loss.backward()
        optimizer.step()
