import logging
import time

import torch.nn as nn

logger = logging.getLogger("trainer")


class Trainer:
    def __init__(self, model, optimizer, device, log_every=50):
        self.model = model
        self.optimizer = optimizer
        self.device = device
        self.log_every = log_every
        self.criterion = nn.CrossEntropyLoss()

    def train_epoch(self, loader, epoch):
        self.model.train()
        start = time.time()
        for i, (images, targets) in enumerate(loader):
            images, targets = images.to(self.device), targets.to(self.device)
            outputs = self.model(images)
            loss = self.criterion(outputs, targets)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            if i % self.log_every == 0:
                logger.info("epoch %d iter %d loss %.3f (%.1fs)", epoch, i, loss.item(), time.time() - start)

    def fit(self, loader, epochs):
        for epoch in range(epochs):
            self.train_epoch(loader, epoch)
