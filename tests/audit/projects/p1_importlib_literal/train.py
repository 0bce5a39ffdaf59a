"""Train the model module the experiment names (importlib, so that experiments can swap it)."""
import importlib

import torch
import torch.nn as nn

module = importlib.import_module("models.unet")
net = getattr(module, "UNet")(n_classes=1)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
for images, masks in loader:
    optimizer.zero_grad()
    loss = criterion(net(images), masks)
    loss.backward()
    optimizer.step()
