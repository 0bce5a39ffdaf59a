from tensorflow import keras


def make_model(n_features, n_classes=4):
    model = keras.Sequential()
    model.add(keras.layers.Dense(64, input_shape=(n_features,)))
    model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.Dense(n_classes))
    model.add(keras.layers.Activation("softmax"))
    return model
