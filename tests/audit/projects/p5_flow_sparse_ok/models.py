from tensorflow.keras import layers, models

from config import IMG_SIZE, NUM_CLASSES


def build_model():
    model = models.Sequential([
        layers.Conv2D(32, 3, activation="relu", input_shape=IMG_SIZE + (3,)),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dense(NUM_CLASSES, activation="softmax"),
    ])
    return model
