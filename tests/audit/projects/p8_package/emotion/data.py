import numpy as np
import torch


def load_features(path):
    blob = np.load(path)
    return torch.tensor(blob["x"], dtype=torch.float32), torch.tensor(blob["y"], dtype=torch.long)
