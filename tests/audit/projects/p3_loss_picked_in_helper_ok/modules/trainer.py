"""One epoch of training."""
from .criterion import get_criterion


def train(model, loader, optimizer, args):
    model.train()
    for sentences, target in loader:
        optimizer.zero_grad()
        sent_score = model(sentences)
        loss = get_criterion(sent_score, target, args)
        loss.backward()
        optimizer.step()
