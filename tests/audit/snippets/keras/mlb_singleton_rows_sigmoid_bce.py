# expect: LM012:21
# The binarizer sees one label per row, so each row is one-hot: a sigmoid per class trained with binary
# cross-entropy on single-label data.
import pandas as pd
from sklearn.preprocessing import MultiLabelBinarizer
from tensorflow import keras
from tensorflow.keras import layers

df = pd.read_csv("news.csv")
TOPICS = ["world", "sport", "business", "science"]
binarizer = MultiLabelBinarizer(classes=TOPICS)
binarizer.fit([(topic,) for topic in df["topic"]])
targets = binarizer.transform([(topic,) for topic in df["topic"]])
n_topics = len(TOPICS)

model = keras.Sequential([
    layers.Input(shape=(512,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(n_topics, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(features, targets, epochs=5)
