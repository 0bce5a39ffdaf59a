# expect: LM001:28
# A ranking head scores J + 1 candidate documents with a 1-channel Conv1d and softmaxes them without a dim:
# on the (N, 1, L) output torch's implicit dim is 0, the candidates, not the 1-unit channel axis (no LM014).
# The scores are then resized to (1, J + 1) and handed to CrossEntropyLoss, which applies softmax again.
import torch
import torch.nn as nn
import torch.nn.functional as F

J = 4


class Ranker(nn.Module):
    def __init__(self):
        super().__init__()
        self.gamma = nn.Conv1d(1, 1, 1)

    def forward(self, similarities):
        scaled = self.gamma(similarities.view(J + 1, 1, 1))
        return F.softmax(scaled)


ranker = Ranker()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(ranker.parameters())
for query, documents in batches:
    optimizer.zero_grad()
    probs = ranker(torch.cosine_similarity(query, documents))
    loss = criterion(probs.resize(1, J + 1), torch.zeros(1, dtype=torch.long))
    loss.backward()
    optimizer.step()
