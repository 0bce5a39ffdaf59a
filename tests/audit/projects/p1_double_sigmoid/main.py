import torch

from models.change import ChangeNet
from trainer import train_epoch

if __name__ == "__main__":
    model = ChangeNet(width=32)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(20):
        train_epoch(model, loader=[], optimizer=optimizer)
