# expect: none
# The loss depends on a command-line flag: the audit cannot tell which, so it says nothing.
import argparse
import tensorflow as tf

parser = argparse.ArgumentParser()
parser.add_argument("--multilabel", action="store_true")
args = parser.parse_args()

if args.multilabel:
    activation, loss = "sigmoid", "binary_crossentropy"
else:
    activation, loss = "softmax", "categorical_crossentropy"

model = tf.keras.Sequential([tf.keras.layers.Dense(64, activation="relu"),
                             tf.keras.layers.Dense(10, activation=activation)])
model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
