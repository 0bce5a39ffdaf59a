# expect: none
# Multi-label genre tagging: sigmoid + binary_crossentropy is the right pairing here.
import numpy as np
import pandas as pd
from sklearn.preprocessing import MultiLabelBinarizer
from tensorflow import keras
from tensorflow.keras import layers

df = pd.read_csv("movies.csv")
genres = df["genres"].str.split("|")
mlb = MultiLabelBinarizer()
Y = mlb.fit_transform(genres)
n_labels = len(mlb.classes_)

inputs = keras.Input(shape=(300,))
h = layers.Dense(256, activation="relu")(inputs)
h = layers.Dropout(0.3)(h)
outputs = layers.Dense(n_labels, activation="sigmoid")(h)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.AUC(multi_label=True), "binary_accuracy"])
model.fit(X, Y, epochs=10, batch_size=64, validation_split=0.1)
