"""Runs the model script in this namespace, then trains."""
import torch
import torch.nn as nn

exec(open("model.py").read())

net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
for epoch in range(100):
    optimizer.zero_grad()
    loss = criterion(net(X_train), y_train)
    loss.backward()
    optimizer.step()
