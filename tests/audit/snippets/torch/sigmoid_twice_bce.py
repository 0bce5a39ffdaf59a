# expect: LM005:27 LM005:36 LM010:36
# A change detector whose network already ends in nn.Sigmoid, and a loss helper that applies torch.sigmoid
# once more before nn.BCELoss: the probabilities squeezed into (0.5, 0.73) never reach 0, so the loss cannot
# fall. A Keras-style twin in torch: a softmax head whose output is softmaxed again before the hand-rolled
# probability loss.
import torch
import torch.nn as nn
import torch.nn.functional as F


class ChangeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(6, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 1, 1))
        self.out = nn.Sigmoid()

    def forward(self, before, after):
        return self.out(self.body(torch.cat([before, after], 1)))


net = ChangeNet()
bce = nn.BCELoss()
optimizer = torch.optim.Adam(net.parameters())
for before, after, change_mask in loader:
    optimizer.zero_grad()
    prob = net(before, after)
    loss = bce(torch.sigmoid(prob), change_mask)
    loss.backward()
    optimizer.step()

classifier = nn.Sequential(nn.Linear(32, 5), nn.Softmax(dim=1))
for features, one_hot in loader2:
    probs = F.softmax(classifier(features), dim=1)
    predicted = probs.argmax(1)
    scores = classifier(features)
    loss = F.binary_cross_entropy(nn.Softmax(dim=1)(scores), one_hot)
    loss.backward()
