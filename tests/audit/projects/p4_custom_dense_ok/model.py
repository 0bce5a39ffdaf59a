import tensorflow as tf

import layers.weightnorm


class PiNet(tf.keras.Model):
    def __init__(self, n_classes=10):
        super().__init__()
        self.hidden = layers.weightnorm.WNDense(units=256, activation=tf.nn.relu)
        self.out = layers.weightnorm.WNDense(units=n_classes)

    def call(self, x, training=True):
        return self.out(self.hidden(x))
