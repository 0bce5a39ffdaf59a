import torch
from torch.utils.data import Dataset


class Vocab:
    def __init__(self, texts, min_freq=2):
        counts = {}
        for text in texts:
            for tok in text.lower().split():
                counts[tok] = counts.get(tok, 0) + 1
        self.itos = ["<pad>", "<unk>"] + sorted(t for t, c in counts.items() if c >= min_freq)
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, text, max_len=64):
        ids = [self.stoi.get(t, 1) for t in text.lower().split()][:max_len]
        return ids + [0] * (max_len - len(ids))


class ReviewDataset(Dataset):
    def __init__(self, texts, labels, vocab):
        self.x = torch.tensor([vocab.encode(t) for t in texts])
        self.y = torch.tensor(labels)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
