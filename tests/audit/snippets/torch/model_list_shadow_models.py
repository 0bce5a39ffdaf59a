# expect: LM001:21 LM001:28 LM002:36
"""Models built in a list comprehension (shadow models, an ensemble, k folds) and trained one by one, through
enumerate, zip and an index: each is the model its element builds. The first loop also passes the arguments
swapped, labels first."""
import torch
from torch import Tensor, nn, optim

n_models = 5
shadow = [nn.Sequential(nn.Linear(600, 128), nn.Tanh(), nn.Linear(128, 100), nn.Softmax(dim=1))
          for _ in range(n_models)]
optimizers = [optim.Adam(m.parameters()) for m in shadow]
criterion = nn.CrossEntropyLoss(reduction="sum")
bce = nn.BCEWithLogitsLoss()


def train_all(splits):
    for k, model in enumerate(shadow):
        x, y = splits[k]
        optimizer = optim.Adam(model.parameters())
        y_pred = model(Tensor(x))
        loss = criterion(Tensor(y), y_pred)
        loss.backward()
        optimizer.step()


def train_zipped(x, y):
    for model, opt in zip(shadow, optimizers):
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()


def train_heads(x, mask):
    heads = [nn.Sequential(nn.Conv2d(64, 1, 1), nn.Sigmoid()) for _ in range(3)]
    for i in range(3):
        loss = bce(heads[i](x), mask)
        loss.backward()
