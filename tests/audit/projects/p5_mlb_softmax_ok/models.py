from tensorflow import keras


def build_model(n_features, n_labels):
    inp = keras.Input(shape=(n_features,))
    x = keras.layers.Dense(256, activation="relu")(inp)
    x = keras.layers.Dropout(0.4)(x)
    out = keras.layers.Dense(n_labels, activation="sigmoid")(x)
    return keras.Model(inp, out)
