import pandas as pd
import torch
from PIL import Image
from torch.utils.data import Dataset

ATTRS = ["striped", "dotted", "plain", "floral", "checked", "denim"]


class AttrDataset(Dataset):
    def __init__(self, csv_path, transform):
        self.df = pd.read_csv(csv_path)
        self.transform = transform

    def __len__(self):
        return len(self.df)

    def __getitem__(self, i):
        row = self.df.iloc[i]
        img = self.transform(Image.open(row["path"]).convert("RGB"))
        return img, torch.tensor(row[ATTRS].values.astype("float32"))
