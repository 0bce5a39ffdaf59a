import tensorflow as tf


def build_model(n_features, n_species=3):
    inp = tf.keras.Input(shape=(n_features,))
    h = tf.keras.layers.Dense(64, activation="relu")(inp)
    h = tf.keras.layers.Dropout(0.2)(h)
    h = tf.keras.layers.Dense(32, activation="relu")(h)
    species = tf.keras.layers.Dense(n_species, activation="softmax", name="species")(h)
    toxic = tf.keras.layers.Dense(1, name="toxic")(h)
    return tf.keras.Model(inp, [species, toxic])
