"""A scikit-learn style fit() shared by the project's torch classifiers."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class TorchClassifier(nn.Module):
    def fit(self, x, y, epochs=5, batch_size=32, lr=0.01):
        optimizer = torch.optim.Adam(self.parameters(), lr=lr)
        loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True)
        self.train()
        for _ in range(epochs):
            for xb, yb in loader:
                optimizer.zero_grad()
                outputs = self(xb)
                loss = F.cross_entropy(outputs, yb)
                loss.backward()
                optimizer.step()
        return self

    def predict(self, x):
        with torch.no_grad():
            return self(x).argmax(dim=1)
