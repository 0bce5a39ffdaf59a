# expect: LM012:18
# OneHotEncoder applied to the species column: one class per row, so a 3-unit sigmoid trained with binary
# cross-entropy treats mutually exclusive classes as independent yes/no outputs.
import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder
from sklearn.model_selection import train_test_split
from tensorflow import keras
from tensorflow.keras import layers

df = pd.read_csv("iris.csv")
X = df.drop(columns="species").values
enc = OneHotEncoder(sparse_output=False)
onehot = enc.fit_transform(df[["species"]])
data = load_everything(X, onehot)

model = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(3, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(data.x, data.y, epochs=5)
