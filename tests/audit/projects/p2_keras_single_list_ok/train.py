import argparse

import numpy as np

from models import text_classifier

p = argparse.ArgumentParser()
p.add_argument("--data", default="topics.npz")
p.add_argument("--vocab", type=int, default=20000)
args = p.parse_args()

data = np.load(args.data)
model = text_classifier(args.vocab)
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(data["x"], data["y"], epochs=10, batch_size=64)
