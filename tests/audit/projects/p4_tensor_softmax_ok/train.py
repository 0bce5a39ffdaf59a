import argparse

import torch
import torch.nn.functional as F

from models import TinyTransformer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="intents.pt")
    ap.add_argument("--classes", type=int, default=12)
    ap.add_argument("--steps", type=int, default=3000)
    args = ap.parse_args()
    blob = torch.load(args.data)
    ids, labels = blob["ids"], blob["labels"]
    model = TinyTransformer(vocab_size=blob["vocab_size"], num_classes=args.classes)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    for step in range(args.steps):
        idx = torch.randint(0, len(ids), (64,))
        loss = F.cross_entropy(model(ids[idx]), labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0:
            print(step, loss.item())


if __name__ == "__main__":
    main()
