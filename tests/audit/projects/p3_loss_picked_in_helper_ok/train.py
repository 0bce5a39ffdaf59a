"""Entry point: --criterion bce (the default) for the sigmoid scores."""
import argparse

import torch

from modules.model import Summarizer
from modules.trainer import train

parser = argparse.ArgumentParser()
parser.add_argument("--criterion", default="bce", choices=["bce", "crossentropy"])
args = parser.parse_args()
model = Summarizer()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(5):
    train(model, train_loader, optimizer, args)
