# expect: LM040:22
# Softmax regression from scratch (the d2l style): the softmax is written out in two steps, X.exp() then its
# row sums, and the loss takes -log of the probability gathered at the label: the log of a softmax by hand.
import torch

num_inputs, num_outputs = 784, 10
W = torch.normal(0, 0.01, (num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def softmax(X):
    X_exp = X.exp()
    partition = X_exp.sum(dim=1, keepdim=True)
    return X_exp / partition


def net(X):
    return softmax(torch.mm(X.view((-1, num_inputs)), W) + b)


def cross_entropy(y_hat, y):
    return -torch.log(y_hat.gather(1, y.view(-1, 1)))


def train(net, train_iter, loss, num_epochs, lr=0.1):
    for epoch in range(num_epochs):
        for X, y in train_iter:
            l = loss(net(X), y).sum()
            l.backward()
            with torch.no_grad():
                for param in (W, b):
                    param -= lr * param.grad / X.shape[0]
                    param.grad.zero_()


train(net, train_iter, cross_entropy, 5)
