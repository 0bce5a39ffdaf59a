import torch
from torch import nn

from loop import run_epoch
from net.unet import TinyUNet

if __name__ == "__main__":
    unet = TinyUNet(width=32)
    opt = torch.optim.SGD(unet.parameters(), lr=0.01, momentum=0.9)
    for epoch in range(10):
        run_epoch(unet, [], opt, nn.BCELoss())
