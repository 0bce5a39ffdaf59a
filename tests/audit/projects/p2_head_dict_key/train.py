import torch

from heads import build_head

CFG = {"type": "SegHead", "in_channels": 128, "num_classes": 5,
       "presence": {"type": "PresenceHead", "in_channels": 128, "num_lanes": 4}}


def run(loader, epochs=2):
    head = build_head(CFG)
    optimizer = torch.optim.SGD(head.parameters(), lr=0.01)
    for _ in range(epochs):
        for features, batch in loader:
            loss = head.loss(head(features), batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
