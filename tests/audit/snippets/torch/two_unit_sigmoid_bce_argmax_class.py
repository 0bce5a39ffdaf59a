# expect: LM012:31
# A sentiment model with two sigmoid units trained with BCELoss on labels built elsewhere; at test time the
# class of a row is the arg-max of those same outputs (max(1)[1]): one class per row, trained as independent
# yes/no outputs.
import torch
import torch.nn as nn


class SentimentRNN(nn.Module):
    def __init__(self, vocab, dim=64):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Linear(dim, 2)

    def forward(self, tokens):
        states, _ = self.rnn(self.embed(tokens))
        return torch.sigmoid(self.head(states[:, -1]))

    def predict(self, tokens):
        with torch.no_grad():
            return self.forward(tokens).max(1)[1]


def train(model, batches, epochs=5):
    criterion = nn.BCELoss()
    optimizer = torch.optim.Adam(model.parameters())
    for _ in range(epochs):
        for tokens, targets in batches:
            optimizer.zero_grad()
            loss = criterion(model(tokens).squeeze(), targets)
            loss.backward()
            optimizer.step()
