import argparse

import torch
from torchvision import datasets, transforms

from engine import Engine


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--classes", type=int, default=10)
    args = parser.parse_args()
    ds = datasets.SVHN("data", split="train", download=True, transform=transforms.ToTensor())
    loader = torch.utils.data.DataLoader(ds, batch_size=128, shuffle=True)
    engine = Engine(num_classes=args.classes)
    for epoch in range(args.epochs):
        for x, y in loader:
            loss, acc = engine.train_step(x, y)
        print(f"[{epoch}] loss={loss:.3f} acc={acc:.3f}")


if __name__ == "__main__":
    main()
