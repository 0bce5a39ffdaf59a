from tensorflow.keras.layers import BatchNormalization, Dense, Dropout
from tensorflow.keras.models import Sequential


def build_model(n_features, num_classes):
    model = Sequential()
    model.add(Dense(256, activation="relu", input_dim=n_features))
    model.add(BatchNormalization())
    model.add(Dropout(0.3))
    model.add(Dense(num_classes, activation="softmax"))
    return model
