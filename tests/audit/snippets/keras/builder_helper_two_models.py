# expect: LM010:27
# Two models built by one helper: only the one compiled with the wrong loss is flagged.
from tensorflow import keras


def build_classifier(n_classes, activation="softmax", hidden=(256, 128)):
    model = keras.Sequential()
    model.add(keras.layers.InputLayer(input_shape=(40,)))
    for units in hidden:
        model.add(keras.layers.Dense(units, activation="relu"))
    model.add(keras.layers.Dense(n_classes, activation=activation))
    return model


NUM_SPEAKERS = 8
speaker_model = build_classifier(NUM_SPEAKERS)
speaker_model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])

tag_model = build_classifier(24, activation="sigmoid")
tag_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])

emotion_model = build_classifier(
    6,
    hidden=(128,),
)
emotion_model.compile(optimizer=keras.optimizers.Adam(1e-4),
                      loss="binary_crossentropy")
