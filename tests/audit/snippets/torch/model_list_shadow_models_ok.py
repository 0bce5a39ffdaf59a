# expect: none
"""The same ensembles built by list comprehensions, each returning raw scores for its loss (a softmax only to
average the members' probabilities at test time)."""
import torch
from torch import Tensor, nn, optim

n_models = 5
shadow = [nn.Sequential(nn.Linear(600, 128), nn.Tanh(), nn.Linear(128, 100)) for _ in range(n_models)]
optimizers = [optim.Adam(m.parameters()) for m in shadow]
criterion = nn.CrossEntropyLoss(reduction="sum")
bce = nn.BCEWithLogitsLoss()


def train_all(splits):
    for k, model in enumerate(shadow):
        x, y = splits[k]
        y_pred = model(Tensor(x))
        loss = criterion(y_pred, Tensor(y).long())
        loss.backward()


def train_zipped(x, y):
    for model, opt in zip(shadow, optimizers):
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()


@torch.no_grad()
def ensemble_probs(x):
    return torch.stack([m(x).softmax(dim=1) for m in shadow]).mean(0)


def train_heads(x, mask):
    heads = [nn.Conv2d(64, 1, 1) for _ in range(3)]
    for i in range(3):
        loss = bce(heads[i](x), mask)
        loss.backward()
