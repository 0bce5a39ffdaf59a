# expect: none
import torch
import torch.nn as nn

INPUT_DIM = 30

net = nn.Sequential(nn.Linear(INPUT_DIM, 32), nn.ReLU(), nn.Linear(32, 1), nn.Sigmoid())
bce = nn.BCELoss()
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
for x, y in train_loader:
    loss = bce(net(x), y.float())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
