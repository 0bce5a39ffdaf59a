# expect: LM030:17
import numpy as np
import tensorflow as tf

(x_train, y_train), _ = tf.keras.datasets.cifar100.load_data()
x_train = x_train.astype("float32") / 255.0
y_train = tf.keras.utils.to_categorical(y_train, num_classes=100)

base = tf.keras.applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
model = tf.keras.Sequential([
    base,
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(100, activation="softmax"),
])
model.compile(
    optimizer=tf.keras.optimizers.SGD(0.01, momentum=0.9),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(x_train, y_train, batch_size=128, epochs=30)
