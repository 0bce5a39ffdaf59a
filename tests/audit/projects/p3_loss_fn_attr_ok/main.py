import argparse
import logging
import pickle

from trainer import Trainer

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", default="cache/batches.pkl")
    ap.add_argument("--vocab-size", type=int, default=30000)
    ap.add_argument("--num-tags", type=int, default=40)
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args()
    with open(args.batches, "rb") as fh:
        batches = pickle.load(fh)
    Trainer(args.vocab_size, args.num_tags).train(batches, epochs=args.epochs)
