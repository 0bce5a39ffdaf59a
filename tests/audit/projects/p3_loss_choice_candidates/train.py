import argparse

from torch import nn, optim

from segnets import FullScaleNet, PlainNet


def fit(net, loader, epochs=5):
    if net.n_classes > 1:
        criterion = nn.CrossEntropyLoss()
    else:
        criterion = nn.BCEWithLogitsLoss()
    optimizer = optim.RMSprop(net.parameters(), lr=1e-4)
    for _ in range(epochs):
        for images, masks in loader:
            optimizer.zero_grad()
            loss = criterion(net(images), masks)
            loss.backward()
            optimizer.step()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", default="full")
    args = parser.parse_args()
    if args.arch == "full":
        model = FullScaleNet(n_channels=3, n_classes=1)
    else:
        model = PlainNet(n_channels=3, n_classes=1)
    fit(model, loader=[])
