import argparse
import logging

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from models import EmbeddingNet
from utils import AverageMeter

logging.basicConfig(level=logging.INFO)
parser = argparse.ArgumentParser()
parser.add_argument("--root", default="faces/train")
parser.add_argument("--num-ids", type=int, default=500)
parser.add_argument("--epochs", type=int, default=40)
args = parser.parse_args()

tfm = transforms.Compose([transforms.Resize(112), transforms.CenterCrop(112), transforms.ToTensor()])
loader = DataLoader(datasets.ImageFolder(args.root, tfm), batch_size=128, shuffle=True, num_workers=8)
model = EmbeddingNet(args.num_ids)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)

for epoch in range(args.epochs):
    meter = AverageMeter()
    for x, y in loader:
        out, emb = model(x)
        loss = criterion(out, y) + 1e-3 * emb.pow(2).sum(dim=1).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        meter.update(loss.item(), x.size(0))
    logging.info("epoch %d loss %.4f", epoch, meter.avg)
