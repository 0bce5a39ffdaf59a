import tensorflow as tf


class Segmenter(tf.keras.Model):
    def __init__(self, n_classes=3):
        super().__init__()
        self.body = tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu")
        self.head = tf.keras.layers.Conv2D(n_classes, 1)

    def call(self, images, training=True):
        return tf.keras.activations.softmax(self.head(self.body(images)), axis=-1)
