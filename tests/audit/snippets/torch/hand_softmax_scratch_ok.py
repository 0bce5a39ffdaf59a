# expect: none
# Look-alikes of activations written by hand that are correct: the hand softmax is only used for the
# arg-max and a report while the loss takes the logits; exp(a) / exp(b) without
# a sum is not a softmax; a Poisson rate exp(x) goes to PoissonNLLLoss with log_input=False; exp(-x) without the
# 1 + ... is not a sigmoid.
import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(x)


model = Classifier()
criterion = nn.CrossEntropyLoss()
for x, y in loader:
    logits = model(x)
    loss = criterion(logits, y)
    loss.backward()
    e = torch.exp(logits)
    probs = e / e.sum(1, keepdim=True)
    predicted = probs.argmax(1)

rate_head = nn.Linear(16, 1)
poisson = nn.PoissonNLLLoss(log_input=False)
for x, counts in count_loader:
    rate = torch.exp(rate_head(x))
    poisson(rate, counts).backward()
    weights = torch.exp(rate_head(x)) / torch.exp(rate_head(x * 2))
    decay = torch.exp(-rate_head(x))
    mse = nn.MSELoss()
    mse(weights * decay, counts).backward()
