"""A weight-normalised dense layer (the activation is applied after the normalised projection)."""
import tensorflow as tf


class WNDense(tf.keras.layers.Layer):
    def __init__(self, units, activation=None, use_bias=True, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.units = units
        self.activation = tf.keras.activations.get(activation)
        self.use_bias = use_bias

    def build(self, input_shape):
        self.v = self.add_weight("v", shape=(int(input_shape[-1]), self.units))
        self.g = self.add_weight("g", shape=(self.units,))
        self.b = self.add_weight("b", shape=(self.units,))

    def call(self, inputs):
        w = self.g * tf.nn.l2_normalize(self.v, axis=0)
        return self.activation(tf.matmul(inputs, w) + self.b)
