# expect: none
# The criterion applies binary or categorical cross-entropy by a setting read from the command line: with the
# multi-label setting a sigmoid per class is scored, with the other a softmax. The file cannot say which runs.
import argparse

import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

parser = argparse.ArgumentParser()
parser.add_argument("--multi-label", action="store_true")
args = parser.parse_args()


class Criterion(nn.Module):
    def __init__(self, settings):
        super().__init__()
        self.settings = settings

    def forward(self, logits, target):
        if self.settings.multi_label:
            return F.binary_cross_entropy_with_logits(logits, target)
        return F.cross_entropy(logits, target)


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 64), nn.ReLU())
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        return self.head(self.body(x))


model = Tagger()
loader = DataLoader(datasets.CIFAR10("data", train=True, transform=transforms.ToTensor()), batch_size=64)
criterion = Criterion(args)
for x, y in loader:
    loss = criterion(model(x), y)
    loss.backward()
