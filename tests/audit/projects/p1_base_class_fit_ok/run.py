import torch

from models import MLP, LogisticRegression

x, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
for model in (LogisticRegression(8, 3), MLP(8, 3)):
    model.fit(x, y)
    print(type(model).__name__, (model.predict(x) == y).float().mean().item())
