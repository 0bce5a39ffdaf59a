"""Train a network named on the command line."""
import argparse

import torch

import loss
import network

parser = argparse.ArgumentParser()
parser.add_argument("--arch", default="network.edgenet.EdgeNet")
parser.add_argument("--num_classes", type=int, default=19)
parser.add_argument("--joint_edgeseg_loss", action="store_true")
parser.add_argument("--edge_weight", type=float, default=1.0)


def main():
    args = parser.parse_args()
    criterion, criterion_val = loss.get_loss(args)
    net = network.get_net(args, criterion)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    for images, seg_mask, edge_mask in train_loader:
        optimizer.zero_grad()
        main_loss = net(images, gts=(seg_mask, edge_mask))
        main_loss.backward()
        optimizer.step()


if __name__ == "__main__":
    main()
