import pytorch_lightning as pl
import torch
import torch.nn as nn
import torch.nn.functional as F

from backbones import make_encoder


class LitClassifier(pl.LightningModule):
    def __init__(self, num_classes=5, width=32, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = make_encoder(width)
        self.head = nn.Linear(width * 2, num_classes)

    def forward(self, x):
        return torch.softmax(self.head(self.encoder(x)), dim=1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        out = self(x)
        loss = F.cross_entropy(out, y)
        self.log("train_loss", loss, prog_bar=True)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        preds = self(x).argmax(dim=1)
        self.log("val_acc", (preds == y).float().mean())

    def predict_step(self, batch, batch_idx):
        return torch.softmax(self(batch[0]), dim=1)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)
