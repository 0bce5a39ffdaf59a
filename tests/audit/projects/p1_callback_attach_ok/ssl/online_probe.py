import torch
import torch.nn.functional as F
from pytorch_lightning import Callback


class OnlineProbe(Callback):
    """Attaches a probe to the LightningModule at fit start and trains it on detached features each batch."""

    def __init__(self, z_dim, num_classes):
        self.z_dim = z_dim
        self.num_classes = num_classes

    def on_fit_start(self, trainer, pl_module):
        from ssl.probe import ProbeHead

        pl_module.online_probe = ProbeHead(self.z_dim, self.num_classes).to(pl_module.device)
        self.optimizer = torch.optim.Adam(pl_module.online_probe.parameters(), lr=1e-4)

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        x, y = batch
        with torch.no_grad():
            features = pl_module(x).flatten(start_dim=1)
        preds = pl_module.online_probe(features)
        loss = F.cross_entropy(preds, y)
        accuracy = (preds.softmax(-1).argmax(-1) == y).float().mean()
        pl_module.log("online_probe_acc", accuracy)
        loss.backward()
        self.optimizer.step()
        self.optimizer.zero_grad()
