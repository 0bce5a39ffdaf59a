import argparse
import logging

import torch

from losses import FocalLoss
from models import AudioCNN

logger = logging.getLogger("kws")


def train(args):
    data = torch.load(args.features)
    ds = torch.utils.data.TensorDataset(data["spec"], data["label"])
    loader = torch.utils.data.DataLoader(ds, batch_size=args.batch_size, shuffle=True)
    model = AudioCNN(num_classes=args.num_classes)
    criterion = FocalLoss(gamma=args.gamma)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        for spec, label in loader:
            loss = criterion(model(spec), label)
            opt.zero_grad()
            loss.backward()
            opt.step()
        logger.info("epoch %d: %.4f", epoch, loss.item())


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    p = argparse.ArgumentParser()
    p.add_argument("--features", default="speech_commands.pt")
    p.add_argument("--num-classes", type=int, default=35)
    p.add_argument("--gamma", type=float, default=2.0)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--epochs", type=int, default=20)
    train(p.parse_args())
