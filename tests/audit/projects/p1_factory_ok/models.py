import torch.nn as nn
import torch.nn.functional as F


class CNN(nn.Module):
    def __init__(self, width=32, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, width, 5)
        self.conv2 = nn.Conv2d(width, width * 2, 5)
        self.fc = nn.Linear(width * 2 * 4 * 4, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.fc(x.flatten(1))
        return F.log_softmax(x, dim=1)


def get_model(args):
    if args.model == "small":
        return CNN(width=16, num_classes=args.num_classes)
    elif args.model == "large":
        return CNN(width=64, num_classes=args.num_classes)
    else:
        raise ValueError(f"unknown model {args.model}")
