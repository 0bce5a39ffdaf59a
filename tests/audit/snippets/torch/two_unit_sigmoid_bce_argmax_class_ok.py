# expect:
# Look-alikes of two_unit_sigmoid_bce_argmax_class.py that must stay quiet: a multi-label tagger with two sigmoid
# units thresholded at 0.5 (its arg-max is taken only over the batch, dim 0, to find the most confident row), and
# a second, softmax model whose arg-max is the class; neither says the tagger's labels are one per row.
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.head = nn.Linear(features, 2)

    def forward(self, x):
        return torch.sigmoid(self.head(x))


class Router(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.head = nn.Linear(features, 5)

    def forward(self, x):
        return torch.softmax(self.head(x), dim=1)


def train(batches, features=16, epochs=5):
    tagger, router = Tagger(features), Router(features)
    criterion = nn.BCELoss()
    optimizer = torch.optim.Adam(tagger.parameters())
    for _ in range(epochs):
        for x, tags in batches:
            optimizer.zero_grad()
            probs = tagger(x)
            loss = criterion(probs, tags)
            loss.backward()
            optimizer.step()
            predicted = probs > 0.5
            most_confident_row = probs.argmax(0)
            route = torch.argmax(router(x), dim=1)
    return predicted, most_confident_row, route
