from tensorflow import keras


def text_classifier(vocab_size, num_topics=4, seq_len=200):
    inp = keras.Input(shape=(seq_len,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, 64)(inp)
    x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    out = keras.layers.Dense(num_topics, activation="softmax")(x)
    return keras.Model(inputs=inp, outputs=[out])
