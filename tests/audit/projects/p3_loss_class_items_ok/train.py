"""Train the edge-aware segmentation network."""
import torch

from losses.joint import JointEdgeSegLoss
from network.edge_net import EdgeSegNet


def train_epoch(net, loader, criterion, optimizer):
    net.train()
    for images, seg_mask, edge_mask in loader:
        optimizer.zero_grad()
        losses = criterion(net(images), (seg_mask, edge_mask))
        total = losses["seg"] + losses["edge"]
        total.backward()
        optimizer.step()


def main(loader, epochs=10):
    net = EdgeSegNet(num_classes=19)
    criterion = JointEdgeSegLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    for _ in range(epochs):
        train_epoch(net, loader, criterion, optimizer)
