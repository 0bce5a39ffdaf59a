# expect: LM031:15 LM015:23
"""scikit-learn's generated datasets: make_classification gives integer classes, which a one-hot loss cannot
take; make_multilabel_classification gives multi-hot rows, which a softmax cannot fit."""
from sklearn.datasets import make_classification, make_multilabel_classification
from tensorflow import keras
from tensorflow.keras import layers

X, y = make_classification(2000, 20, n_classes=4, n_informative=6)
clf = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(4),
])
clf.compile(optimizer="adam", metrics=["accuracy"],
            loss=keras.losses.CategoricalCrossentropy(from_logits=True))
clf.fit(X, y, epochs=5)

Xt, Y = make_multilabel_classification(2000, 20, n_classes=6)
tagger = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(6, activation="softmax"),
])
tagger.compile(optimizer="adam", loss="categorical_crossentropy")
tagger.fit(Xt, Y, epochs=5)
