# expect: none
# A loss class switches on from_logits: left at False it runs its own BCE on probabilities, which a sigmoid gives.
import tensorflow as tf
from tensorflow import keras


class BalancedBCE(keras.losses.Loss):
    def __init__(self, pos_weight, from_logits=False):
        super().__init__()
        self.pos_weight = pos_weight
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        if not self.from_logits:
            y_pred = tf.clip_by_value(y_pred, 1e-6, 1 - 1e-6)
            return -(self.pos_weight * y_true * tf.math.log(y_pred) + (1 - y_true) * tf.math.log(1 - y_pred))
        return tf.nn.weighted_cross_entropy_with_logits(y_true, y_pred, self.pos_weight)


inputs = keras.Input(shape=(16,))
outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss=BalancedBCE(2.0))
