# expect: LM001:28 LM002:41 LM040:48
# Activations written out by hand, as from-scratch tutorials do: exp over its row sum is a softmax (then
# CrossEntropyLoss applies log_softmax again), 1 / (1 + exp(-z)) is a sigmoid (then BCEWithLogitsLoss applies
# sigmoid again), and log() of a hand softmax (at the target: exp(target) over the sum of exp(scores)) is
# the unstable log-softmax.
import torch
import torch.nn as nn

W = torch.normal(0, 0.01, size=(784, 10), requires_grad=True)
b = torch.zeros(10, requires_grad=True)


def softmax(scores):
    scores_exp = torch.exp(scores - scores.max(dim=1, keepdim=True)[0])
    partition = scores_exp.sum(1, keepdim=True)
    return scores_exp / partition


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD([W, b], lr=0.1)
for X, y in train_iter:
    optimizer.zero_grad()
    y_hat = net(X)
    loss = criterion(y_hat, y)
    loss.backward()
    optimizer.step()


def spam_score(features, weights):
    return 1 / (1 + torch.exp(-(features @ weights)))


weights = torch.zeros(57, 1, requires_grad=True)
bce = nn.BCEWithLogitsLoss()
for features, is_spam in spam_loader:
    prob = spam_score(features, weights)
    bce(prob, is_spam).backward()

V = torch.randn(300, 5000, requires_grad=True)
for center, context in pairs:
    scores = center @ V
    target = scores.gather(1, context.view(-1, 1))
    probs = torch.exp(target) / torch.sum(torch.exp(scores), dim=1).unsqueeze(1)
    nll = -torch.log(probs).mean()
    nll.backward()
