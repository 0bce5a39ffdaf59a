import argparse
import pickle

from tensorflow import keras

from models import build_tagger

p = argparse.ArgumentParser(description="BiLSTM NER tagger")
p.add_argument("--data", default="ner_dataset.pkl")
p.add_argument("--epochs", type=int, default=5)
args = p.parse_args()

with open(args.data, "rb") as f:
    X, y, word2idx, tag2idx = pickle.load(f)

model = build_tagger(len(word2idx) + 1, len(tag2idx))
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy(),
              metrics=["accuracy"])
model.fit(X, y, batch_size=32, epochs=args.epochs, validation_split=0.1)
