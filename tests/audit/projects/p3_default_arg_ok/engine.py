import torch
import torch.nn as nn

from models import ResNetSmall


class Engine:
    def __init__(self, num_classes, criterion=nn.CrossEntropyLoss(), lr=0.05):
        self.model = ResNetSmall(num_classes)
        self.criterion = criterion
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr, momentum=0.9)

    def train_step(self, x, y):
        self.model.train()
        out = self.model(x)
        loss = self.criterion(out, y)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item(), (out.argmax(1) == y).float().mean().item()
