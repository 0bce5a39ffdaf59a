import torch.nn.functional as F
from torch import nn


class ExactGCN(nn.Module):
    def __init__(self, in_dim, hid_dim, out_dim):
        super().__init__()
        self.gc1 = nn.Linear(in_dim, hid_dim)
        self.gc2 = nn.Linear(hid_dim, out_dim)

    def forward(self, x, adj):
        h = F.relu(adj @ self.gc1(x))
        return F.log_softmax(adj @ self.gc2(h), dim=1)


class ApproxGCN(nn.Module):
    def __init__(self, in_dim, hid_dim, out_dim):
        super().__init__()
        self.gc1 = nn.Linear(in_dim, hid_dim)
        self.gc2 = nn.Linear(hid_dim, out_dim)

    def forward(self, x, adj):
        h = F.relu(adj @ self.gc1(x))
        return F.log_softmax(adj @ self.gc2(h), dim=1)
