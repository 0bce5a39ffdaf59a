import argparse
import logging

import torch
import torch.nn.functional as F
from torchvision import datasets, transforms

from models import get_model

logger = logging.getLogger(__name__)


def parse():
    parser = argparse.ArgumentParser("fashion-mnist")
    parser.add_argument("--model", default="small", choices=["small", "large"])
    parser.add_argument("--num-classes", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--compile", action="store_true")
    return parser.parse_args()


def run(args):
    ds = datasets.FashionMNIST("data", train=True, download=True, transform=transforms.ToTensor())
    loader = torch.utils.data.DataLoader(ds, batch_size=256, shuffle=True)
    model = get_model(args)
    if args.compile:
        model = torch.compile(model)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for epoch in range(args.epochs):
        for batch, (x, y) in enumerate(loader):
            loss = F.nll_loss(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        logger.info("epoch %d done, last loss %.4f", epoch, loss.item())


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    run(parse())
