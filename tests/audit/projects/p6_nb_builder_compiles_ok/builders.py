from keras.layers import Conv1D, Dense, Dropout, Embedding, GlobalMaxPooling1D, Input
from keras.models import Model


def text_cnn(vocab_size, max_len, num_classes, embedding_dim=100):
    inputs = Input(shape=(max_len,), dtype="int32")
    x = Embedding(vocab_size, embedding_dim)(inputs)
    x = Conv1D(128, 5, activation="relu")(x)
    x = GlobalMaxPooling1D()(x)
    x = Dropout(0.5)(x)
    outputs = Dense(num_classes, activation="softmax", name="output")(x)
    model = Model(inputs=inputs, outputs=outputs)
    model.compile(loss={"output": "categorical_crossentropy"}, optimizer="adam", metrics=["accuracy"])
    return model
