# expect: LM041:23 LM041:24
"""Binary cross-entropy written out by hand with tensor methods on a sigmoid output."""
import torch
from torch import nn

EPOCHS = 5


class Scorer(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, 1)

    def forward(self, x):
        return self.proj(x).sigmoid()


scorer = Scorer(64)
opt = torch.optim.Adam(scorer.parameters())
for epoch in range(EPOCHS):
    for x, y in loader:
        p = scorer(x)
        loss = -(y * p.log()
                 + (1 - y) * torch.log(1 - p)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
