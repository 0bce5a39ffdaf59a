import argparse

import torch.nn as nn
import torch.optim as optim

from fusion import *  # noqa: F403  (a module that is not part of this checkout)
from nets import AttentionTagger

parser = argparse.ArgumentParser()
parser.add_argument("--model", default="attention", choices=["attention", "fusion"])
args = parser.parse_args()

if args.model == "attention":
    net = AttentionTagger()
elif args.model == "fusion":
    net = FusionTagger(128, 512, 29)  # noqa: F405

criterion = nn.MultiLabelSoftMarginLoss()
optimizer = optim.Adam(net.parameters(), lr=1e-3)
for audio, video, events in loader:
    scores = net(audio, video)
    loss = criterion(scores, events)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
