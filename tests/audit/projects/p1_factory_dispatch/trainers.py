import torch.nn.functional as F


class ExactTrainer:
    def __init__(self, model, optimizer, features, adj, labels, idx_train):
        self.model = model
        self.optimizer = optimizer
        self.features, self.adj, self.labels, self.idx_train = features, adj, labels, idx_train

    def train(self, epoch):
        self.optimizer.zero_grad()
        output = self.model(self.features, self.adj)
        loss = F.nll_loss(output[self.idx_train], self.labels[self.idx_train])
        loss.backward()
        self.optimizer.step()


class ApproxTrainer:
    def __init__(self, model, optimizer, features, adj, labels, idx_train, order=3):
        self.model = model
        self.optimizer = optimizer
        self.features, self.adj, self.labels, self.idx_train = features, adj, labels, idx_train
        self.order = order

    def train(self, epoch):
        self.optimizer.zero_grad()
        output = self.model.forward(self.features, self.adj ** self.order)
        loss = F.nll_loss(output[self.idx_train], self.labels[self.idx_train])
        loss.backward()
        self.optimizer.step()
