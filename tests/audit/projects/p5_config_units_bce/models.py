import tensorflow as tf

import config


def animal_net():
    base = tf.keras.applications.MobileNetV2(input_shape=config.INPUT_SHAPE, include_top=False, weights=None)
    x = tf.keras.layers.GlobalAveragePooling2D()(base.output)
    x = tf.keras.layers.Dropout(0.2)(x)
    out = tf.keras.layers.Dense(config.NUM_CLASSES, activation="softmax")(x)
    return tf.keras.Model(base.input, out)
