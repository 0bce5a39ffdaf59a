# expect: none
# A MultiLabelBinarizer fed one label per row ([[c] for c in ...]) gives one-hot rows, not multi-hot ones:
# softmax + categorical cross-entropy is the right pairing.
import pandas as pd
from sklearn.preprocessing import MultiLabelBinarizer
from tensorflow import keras
from tensorflow.keras import layers

df = pd.read_csv("news.csv")
binarizer = MultiLabelBinarizer()
targets = binarizer.fit_transform([[topic] for topic in df["topic"]])
n_topics = targets.shape[1]

model = keras.Sequential([
    layers.Input(shape=(512,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(n_topics, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(features, targets, epochs=5)
