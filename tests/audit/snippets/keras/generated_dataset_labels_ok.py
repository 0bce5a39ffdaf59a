# expect: none
"""The same generated datasets with the losses that fit them: integer classes into the sparse loss (or one-hot
encoded first), multi-hot rows into sigmoid units and binary cross-entropy."""
from sklearn.datasets import make_blobs, make_classification, make_multilabel_classification
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.utils import to_categorical

X, y = make_classification(2000, 20, n_classes=4, n_informative=6)
clf = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(4)])
clf.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
clf.fit(X, y, epochs=5)

Xb, yb = make_blobs(500, 2, centers=3)
blobs = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3, activation="softmax")])
blobs.compile(optimizer="adam", loss="categorical_crossentropy")
blobs.fit(Xb, to_categorical(yb), epochs=5)

Xt, Y = make_multilabel_classification(2000, 20, n_classes=6)
tagger = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(6, activation="sigmoid")])
tagger.compile(optimizer="adam", loss="binary_crossentropy")
tagger.fit(Xt, Y, epochs=5)
