from tensorflow import keras
from tensorflow.keras import layers


def build_network(input_shape, num_moves, is_policy_net=False):
    """The policy and the value network share their trunk; the flag picks the head."""
    model = keras.Sequential()
    model.add(layers.Conv2D(64, 3, padding="same", activation="relu", input_shape=input_shape))
    model.add(layers.Conv2D(64, 3, padding="same", activation="relu"))
    model.add(layers.Flatten())
    if is_policy_net:
        model.add(layers.Dense(num_moves, activation="softmax"))
    else:
        model.add(layers.Dense(256, activation="relu"))
        model.add(layers.Dense(1, activation="tanh"))
    return model
