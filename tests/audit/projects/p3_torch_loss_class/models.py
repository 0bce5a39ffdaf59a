import torch
import torch.nn as nn


class AudioCNN(nn.Module):
    def __init__(self, n_mels=64, num_classes=35):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_mels, 128, 5, padding=2), nn.ReLU(),
            nn.Conv1d(128, 128, 5, padding=2), nn.ReLU(),
        )
        self.fc = nn.Linear(128, num_classes)

    def forward(self, spec):
        h = self.conv(spec).mean(dim=-1)
        return torch.softmax(self.fc(h), dim=-1)
