# expect: none
"""Same churn model done right: logits into BCEWithLogitsLoss, sigmoid only at inference."""
import torch
import torch.nn as nn


class ChurnNet(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.hidden = nn.Linear(n_in, 64)
        self.out = nn.Linear(64, 1)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


model = ChurnNet(12)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters())
for xb, yb in loader:
    optimizer.zero_grad()
    logits = model(xb)
    loss = criterion(logits, yb)
    loss.backward()
    optimizer.step()

with torch.no_grad():
    probabilities = torch.sigmoid(model(x_val))
    predictions = (probabilities > 0.5).float()
