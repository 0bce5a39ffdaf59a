# expect: LM021:20
import keras
from keras import layers
from sklearn.preprocessing import MultiLabelBinarizer

tags = [t.split(",") for t in open("tags.txt").read().splitlines()]
binarizer = MultiLabelBinarizer()
y = binarizer.fit_transform(tags)

def make_model(n_out):
    inputs = keras.Input(shape=(512,))
    x = layers.Dense(256, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    logits = layers.Dense(n_out)(x)
    return keras.Model(inputs, logits)

model = make_model(y.shape[1] if y is not None else 12)
model = make_model(12)
model.compile(optimizer="adam",
              loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(features, y, epochs=20)
