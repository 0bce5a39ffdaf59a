import torch


def run_epoch(model, batches, optimizer, criterion):
    model.train()
    total = 0.0
    for images, masks in batches:
        optimizer.zero_grad()
        probs = torch.sigmoid(model(images)).squeeze(1)
        loss = criterion(probs.view(-1), masks.view(-1).float())
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total
