import argparse

import numpy as np
from tensorflow.keras.utils import to_categorical

from losses import WeightedCCE
from models import build_cnn

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="skin_lesions.npz")
parser.add_argument("--epochs", type=int, default=30)
args = parser.parse_args()

data = np.load(args.data)
x, y = data["x"] / 255.0, to_categorical(data["y"], 7)
weights = [1.0, 1.0, 2.5, 4.0, 1.0, 6.0, 3.0]

model = build_cnn(7)
model.compile(optimizer="adam", loss=WeightedCCE(weights), metrics=["accuracy"])
model.fit(x, y, epochs=args.epochs, batch_size=32, validation_split=0.15)
