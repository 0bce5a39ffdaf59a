import argparse

import pytorch_lightning as pl
from torch.utils.data import DataLoader
from torchvision import transforms
from torchvision.datasets import ImageFolder

from lit_module import LitClassifier

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-dir", default="flowers/train")
    ap.add_argument("--val-dir", default="flowers/val")
    ap.add_argument("--max-epochs", type=int, default=20)
    ap.add_argument("--num-classes", type=int, default=5)
    args = ap.parse_args()

    tfm = transforms.Compose([transforms.Resize((96, 96)), transforms.ToTensor()])
    train_dl = DataLoader(ImageFolder(args.train_dir, tfm), batch_size=64, shuffle=True, num_workers=4)
    val_dl = DataLoader(ImageFolder(args.val_dir, tfm), batch_size=64, num_workers=4)
    model = LitClassifier(num_classes=args.num_classes)
    trainer = pl.Trainer(max_epochs=args.max_epochs, accelerator="auto", log_every_n_steps=10)
    trainer.fit(model, train_dl, val_dl)
