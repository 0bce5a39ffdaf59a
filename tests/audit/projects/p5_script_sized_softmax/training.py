"""Train on one-hot rows with binary cross-entropy per output."""
import torch
import torch.nn as nn

import model

input_size = 3
hidden_size = 32
num_classes = 4

net = model.Net(input_size, hidden_size, num_classes)
loss_function = nn.BCELoss()
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
for data, labels in train_loader:
    optimizer.zero_grad()
    loss = loss_function(net(data), labels)
    loss.backward()
    optimizer.step()
