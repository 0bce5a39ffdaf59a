import argparse

import torch
import torch.nn as nn
import torchvision

from models import Classifier


def make_backbone():
    resnet = torchvision.models.resnet18(weights="IMAGENET1K_V1")
    return nn.Sequential(*list(resnet.children())[:-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data/birds")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()

    tfm = torchvision.transforms.Compose([torchvision.transforms.Resize((224, 224)),
                                          torchvision.transforms.ToTensor()])
    ds = torchvision.datasets.ImageFolder(args.data, transform=tfm)
    loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True)
    head = nn.Sequential(nn.Flatten(), nn.Linear(512, 20), nn.Softmax(dim=1))
    model = Classifier(make_backbone(), head)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(head.parameters(), lr=1e-3)
    for epoch in range(args.epochs):
        for images, targets in loader:
            out = model(images)
            loss = criterion(out, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(epoch, loss.item())


if __name__ == "__main__":
    main()
