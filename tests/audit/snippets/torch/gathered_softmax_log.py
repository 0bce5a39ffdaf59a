# expect: LM040:24 LM001:29
# A distributional value head: the softmax over atoms is gathered at the taken action before its log is taken by
# hand (log_softmax, then gather, is the stable form); a sequence tagger's softmax is permuted to (N, C, L) and
# handed to cross_entropy, which applies log_softmax again.
import torch
import torch.nn as nn
import torch.nn.functional as F


class AtomHead(nn.Module):
    def __init__(self, actions=4, atoms=51):
        super().__init__()
        self.actions, self.atoms = actions, atoms
        self.fc = nn.Linear(128, actions * atoms)

    def forward(self, x):
        return F.softmax(self.fc(x).view(-1, self.actions, self.atoms), dim=2)


head = AtomHead()
for state, action, target_dist in replay:
    dist = head(state)
    picked = dist.gather(1, action.view(-1, 1, 1).expand(-1, 1, 51)).squeeze(1)
    loss = -(target_dist * picked.log()).sum(1).mean()
    loss.backward()

tagger = nn.Sequential(nn.Linear(64, 9), nn.Softmax(dim=-1))
for tokens, tags in loader:
    loss = F.cross_entropy(tagger(tokens).permute(0, 2, 1), tags)
    loss.backward()
