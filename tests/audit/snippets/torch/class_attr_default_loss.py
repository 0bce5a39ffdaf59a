# expect: LM001:26
# The loss class is a class attribute, the default of a constructor parameter, and is instantiated in train();
# train() compares it with nn.CrossEntropyLoss to choose the target form: only the first branch runs with it.
import torch
import torch.nn as nn


class Classifier(nn.Module):
    loss_cls = nn.CrossEntropyLoss

    def __init__(self, lr=1e-3, loss_cls=loss_cls):
        super().__init__()
        self.loss_cls = loss_cls
        self.fc = nn.Linear(784, 10)
        self.out = nn.Softmax(dim=1)

    def forward(self, x):
        return self.out(self.fc(x))

    def fit(self, X, y):
        criterion = self.loss_cls()
        for epoch in range(10):
            probs = self.forward(X)
            target = torch.LongTensor(y)
            if self.loss_cls == nn.CrossEntropyLoss:
                loss = criterion(probs, target)
            else:
                loss = criterion(probs, nn.functional.one_hot(target, 10).float())
            loss.backward()
