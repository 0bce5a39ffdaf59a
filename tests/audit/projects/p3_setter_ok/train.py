import argparse

import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from learner import Learner

ap = argparse.ArgumentParser()
ap.add_argument("--epochs", type=int, default=100)
args = ap.parse_args()

X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=0)
X_tr = torch.tensor(X_tr, dtype=torch.float32) / 16.0
y_tr = torch.tensor(y_tr)

learner = Learner(in_dim=64, num_classes=10)
nll_loss = nn.CrossEntropyLoss()  # log-softmax + NLL in one call
learner.set_criterion(nll_loss)
for epoch in range(args.epochs):
    perm = torch.randperm(len(y_tr))
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        loss = learner.fit_batch(X_tr[idx], y_tr[idx])
    if epoch % 10 == 0:
        print("epoch", epoch, "loss", loss)
