import pandas as pd
import torch


def load_tabular(path, target="target"):
    df = pd.read_csv(path)
    x = (df.drop(columns=target) - df.drop(columns=target).mean()) / df.drop(columns=target).std()
    X = torch.tensor(x.values, dtype=torch.float32)
    y = torch.tensor(df[target].values, dtype=torch.float32).unsqueeze(1)
    return X, y
