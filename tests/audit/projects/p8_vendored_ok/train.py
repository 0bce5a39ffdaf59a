import argparse

import numpy as np
from tensorflow import keras

from models import build_model

ap = argparse.ArgumentParser()
ap.add_argument("--data", default="sensors.npz")
args = ap.parse_args()

d = np.load(args.data)
model = build_model(d["x"].shape[1], 6)
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(d["x"], d["y"], epochs=20, batch_size=128)
