# expect: none
# A multi-label genre tagger (sigmoid + binary cross-entropy on 12 genre columns) whose categorical input
# features are one-hot encoded with OneHotEncoder: that is feature encoding, not single-label evidence.
import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder
from tensorflow import keras
from tensorflow.keras import layers

df = pd.read_csv("movies.csv")
enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
X_cat = enc.fit_transform(df[["studio", "rating"]])
X = np.hstack([df[["budget", "runtime"]].values, X_cat])
Y = df[[f"genre_{i}" for i in range(12)]].values

model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(12, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(X, Y, epochs=5)
