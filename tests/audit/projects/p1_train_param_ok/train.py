"""One epoch of training and a test pass."""
import logging

import torch
import torch.nn.functional as F

log = logging.getLogger(__name__)


def train(net, loader, optimizer, criterion, device, epoch):
    net.train()
    running = 0.0
    for step, (x, y) in enumerate(loader):
        x, y = x.to(device), y.to(device)
        optimizer.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        optimizer.step()
        running += loss.item()
        if step % 100 == 0:
            log.info("epoch %d step %d loss %.4f", epoch, step, running / (step + 1))
    return running / len(loader)


@torch.no_grad()
def evaluate(net, loader, device):
    net.eval()
    correct = 0
    for x, y in loader:
        out = net(x.to(device))
        probs = F.softmax(out, dim=1)
        correct += (probs.argmax(dim=1).cpu() == y).sum().item()
    return correct / len(loader.dataset)
