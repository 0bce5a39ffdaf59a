import argparse

import numpy as np
import tensorflow as tf

import config
from models import animal_net

p = argparse.ArgumentParser()
p.add_argument("--npz", default="animals_onehot.npz")
p.add_argument("--epochs", type=int, default=12)
args = p.parse_args()

data = np.load(args.npz)
model = animal_net()
model.compile(optimizer=tf.keras.optimizers.Adam(config.LEARNING_RATE),
              loss="binary_crossentropy", metrics=["accuracy"])
model.fit(data["x"], data["y"], epochs=args.epochs, batch_size=32)
