import torch.nn as nn
import torch.nn.functional as F


class SentimentNet(nn.Module):
    """Embedding + BiLSTM + linear head over negative / neutral / positive."""

    def __init__(self, vocab_size, embed_dim=128, hidden=128, num_classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, num_classes)

    def forward(self, tokens):
        h, _ = self.lstm(self.embed(tokens))
        pooled = h.mean(dim=1)
        return F.softmax(self.fc(pooled), dim=-1)
