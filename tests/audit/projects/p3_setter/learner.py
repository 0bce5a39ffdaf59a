import torch

from models import build_mlp


class Learner:
    def __init__(self, in_dim, num_classes, lr=1e-3):
        self.model = build_mlp(in_dim, num_classes)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.criterion = None

    def set_criterion(self, criterion):
        self.criterion = criterion

    def fit_batch(self, x, y):
        loss = self.criterion(self.model(x), y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()
