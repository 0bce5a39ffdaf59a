import torch

from model import ClickSimulator
from utils.losses import get_loss_function

CONFIG = {"loss": "ce", "lr": 1e-3, "epochs": 5}


def fit(model, loader, config):
    criterion = get_loss_function(config["loss"])
    optimizer = torch.optim.Adam(model.parameters(), lr=config["lr"])
    for epoch in range(config["epochs"]):
        for user, item, clicked in loader:
            optimizer.zero_grad()
            loss = criterion(model(user, item), clicked)
            loss.backward()
            optimizer.step()


if __name__ == "__main__":
    fit(ClickSimulator(1000, 5000), [], CONFIG)
