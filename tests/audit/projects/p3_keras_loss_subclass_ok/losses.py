import tensorflow as tf
from tensorflow import keras


class WeightedCCE(keras.losses.Loss):
    """Categorical cross-entropy with a per-class weight (rare classes count more)."""

    def __init__(self, class_weights, name="weighted_cce"):
        super().__init__(name=name)
        self.class_weights = tf.constant(class_weights, dtype=tf.float32)

    def call(self, y_true, y_pred):
        ce = keras.losses.categorical_crossentropy(y_true, y_pred)
        w = tf.reduce_sum(self.class_weights * y_true, axis=-1)
        return ce * w
