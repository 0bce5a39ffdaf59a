import argparse
import logging

import torch
import torch.nn as nn
import torchvision
import torchvision.transforms as T

from models import ConvNet
from trainer import Trainer

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="./data")
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--num-classes", type=int, default=10)


def main():
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    transform = T.Compose([T.RandomHorizontalFlip(), T.ToTensor()])
    train_set = torchvision.datasets.CIFAR10(args.data, train=True, download=True, transform=transform)
    loader = torch.utils.data.DataLoader(train_set, batch_size=128, shuffle=True, num_workers=4)

    model = ConvNet(num_classes=args.num_classes)
    model = nn.DataParallel(model).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
    trainer = Trainer(model, optimizer, device)
    trainer.fit(loader, args.epochs)
    torch.save(model.state_dict(), "convnet.pt")


if __name__ == "__main__":
    main()
