import logging

import torch
import torch.nn.functional as F

from models import TagNet

log = logging.getLogger("tagger")


class Trainer:
    def __init__(self, vocab_size, num_tags, lr=1e-3):
        self.model = TagNet(vocab_size, num_tags)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.loss_fn = F.binary_cross_entropy_with_logits

    def compute_loss(self, out, y):
        return self.loss_fn(out, y)

    def step(self, tokens, offsets, y):
        out = self.model(tokens, offsets)
        loss = self.compute_loss(out, y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()

    def train(self, batches, epochs=5):
        for epoch in range(epochs):
            total = sum(self.step(*b) for b in batches)
            log.info("epoch %d loss %.4f", epoch, total / max(len(batches), 1))
