from keras.layers import Dense, Dropout, Input
from keras.models import Model


def dense_block(x, units):
    x = Dense(units, activation="relu")(x)
    return Dropout(0.3)(x)


def build(n_features, n_classes):
    inputs = Input(shape=(n_features,))
    x = dense_block(inputs, 256)
    x = dense_block(x, 128)
    outputs = Dense(n_classes, activation="softmax")(x)
    return Model(inputs=inputs, outputs=outputs)
