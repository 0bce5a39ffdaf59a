import argparse

import pandas as pd
import tensorflow as tf
from tensorflow.keras.utils import to_categorical

from models import build_model

parser = argparse.ArgumentParser(description="mushroom species + toxicity")
parser.add_argument("csv")
parser.add_argument("--epochs", type=int, default=50)
args = parser.parse_args()

df = pd.read_csv(args.csv)
X = df.drop(columns=["species", "toxic"]).values.astype("float32")
y_species = to_categorical(df["species"].values, 3)
y_toxic = df["toxic"].values.astype("float32")

model = build_model(X.shape[1])
model.compile(optimizer="adam",
              loss=["categorical_crossentropy", tf.keras.losses.BinaryCrossentropy(from_logits=True)])
model.fit(X, [y_species, y_toxic], epochs=args.epochs, batch_size=32, validation_split=0.2, verbose=2)
