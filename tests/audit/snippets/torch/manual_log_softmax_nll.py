# expect: LM040:22
"""Hand-rolled log-probabilities: torch.log(F.softmax(...)) then NLLLoss. Works until a probability underflows."""
import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 5000
HIDDEN = 256


class CharRNN(nn.Module):
    def __init__(self, vocab=VOCAB, hidden=HIDDEN):
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True)
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, tokens, state=None):
        h, state = self.rnn(self.embed(tokens), state)
        logits = self.decoder(h[:, -1])
        probs = F.softmax(logits, dim=-1)
        return torch.log(probs)


model = CharRNN()
criterion = nn.NLLLoss()
for tokens, next_token in batches:
    log_probs = model(tokens)
    loss = criterion(log_probs, next_token)
    loss.backward()
