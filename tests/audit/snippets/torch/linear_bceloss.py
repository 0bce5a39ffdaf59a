# expect: LM003:26
import torch
import torch.nn as nn

INPUT_DIM = 30


class Detector(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(INPUT_DIM, 32),
            nn.ReLU(),
            nn.Linear(32, 1),
        )

    def forward(self, x):
        return self.layers(x)


net = Detector()
bce = nn.BCELoss()
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
for x, y in train_loader:
    scores = net(x)
    loss = bce(scores, y.float())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
