"""The adversarial loop. Nothing here builds the two networks: the web backend that does is not part of the
audited tree, so the parameters are bound only by their names."""
import torch
import torch.nn as nn


class GANTrainer:
    def __init__(self, generator, discriminator, latent=100, lr=2e-4):
        self.generator = generator
        self.discriminator = discriminator
        self.latent = latent
        self.criterion = nn.BCELoss()
        self.opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))

    def step(self, real):
        batch = real.size(0)
        ones, zeros = torch.ones(batch), torch.zeros(batch)
        fake = self.generator(torch.randn(batch, self.latent, 1, 1))

        self.opt_d.zero_grad()
        loss_d = self.criterion(self.discriminator(real), ones) + \
            self.criterion(self.discriminator(fake.detach()), zeros)
        loss_d.backward()
        self.opt_d.step()

        self.opt_g.zero_grad()
        loss_g = self.criterion(self.discriminator(fake), ones)
        loss_g.backward()
        self.opt_g.step()
        return loss_d.item(), loss_g.item()
