"""The same DCGAN with a discriminator that ends in raw scores: a BCELoss on them is fed logits."""
import torch.nn as nn


class Generator(nn.Module):
    def __init__(self, latent=100, channels=3, width=64):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(latent, width * 2, 4, 1, 0, bias=False),
            nn.BatchNorm2d(width * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(width * 2, channels, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)


class Discriminator(nn.Module):
    def __init__(self, channels=3, width=64):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, width, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
        )
        self.score = nn.Linear(width * 16 * 16, 1)

    def forward(self, images):
        return self.score(self.features(images).flatten(1)).view(-1)
