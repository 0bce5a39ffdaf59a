import argparse

import pandas as pd
from tensorflow.keras.utils import to_categorical

from models import build_model

ap = argparse.ArgumentParser(description="activity recognition from accelerometer features")
ap.add_argument("csv")
ap.add_argument("--epochs", type=int, default=40)
args = ap.parse_args()

df = pd.read_csv(args.csv)
X = df.drop(columns=["activity"]).values
y = to_categorical(df["activity"].values, num_classes=5)

model = build_model(X.shape[1], 5, loss="categorical_crossentropy")
model.fit(X, y, epochs=args.epochs, batch_size=64, validation_split=0.2)
model.save("har.h5")
