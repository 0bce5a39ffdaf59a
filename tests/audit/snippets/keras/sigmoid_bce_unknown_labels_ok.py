# expect: none
# Many sigmoid outputs with BCE and nothing saying the labels are single-label: must not be flagged.
import tensorflow as tf

NUM_TAGS = 20

def build(num_tags=NUM_TAGS):
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(128, activation="relu", input_shape=(64,)),
        tf.keras.layers.Dense(num_tags, activation="sigmoid"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss=tf.keras.losses.BinaryCrossentropy(),
                  metrics=[tf.keras.metrics.Precision(), tf.keras.metrics.Recall()])
    return model

model = build()
x_train, y_train = load_tags("train.tfrecord")
model.fit(x_train, y_train, epochs=5)
