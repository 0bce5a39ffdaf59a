import argparse

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision.datasets import ImageFolder
from torchvision import transforms

import models

parser = argparse.ArgumentParser(description="surface defect detection")
parser.add_argument("--arch", default="LeNet", help="class name in models.py")
parser.add_argument("--root", default="data/defects")
parser.add_argument("--epochs", type=int, default=25)
args = parser.parse_args()

tfm = transforms.Compose([transforms.Grayscale(), transforms.Resize((64, 64)), transforms.ToTensor()])
loader = DataLoader(ImageFolder(args.root, transform=tfm), batch_size=32, shuffle=True)

model = getattr(models, args.arch)().cuda()
model = nn.DataParallel(model)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(args.epochs):
    hits = 0
    for imgs, labels in loader:
        imgs, labels = imgs.cuda(), labels.float().unsqueeze(1).cuda()
        out = model(imgs)
        loss = criterion(out, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        hits += ((torch.sigmoid(out) > 0.5).float() == labels).sum().item()
    print("epoch", epoch, "loss", round(loss.item(), 4), "acc", hits / len(loader.dataset))
