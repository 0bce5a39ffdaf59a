import argparse

import tensorflow as tf

from models import make_model

ap = argparse.ArgumentParser()
ap.add_argument("data_dir")
ap.add_argument("--epochs", type=int, default=15)
args = ap.parse_args()

train_ds = tf.keras.utils.image_dataset_from_directory(
    args.data_dir, validation_split=0.2, subset="training", seed=123,
    image_size=(180, 180), batch_size=32)
val_ds = tf.keras.utils.image_dataset_from_directory(
    args.data_dir, validation_split=0.2, subset="validation", seed=123,
    image_size=(180, 180), batch_size=32)
num_classes = len(train_ds.class_names)
train_ds = train_ds.cache().shuffle(1000).prefetch(buffer_size=tf.data.AUTOTUNE)
val_ds = val_ds.cache().prefetch(buffer_size=tf.data.AUTOTUNE)

model = make_model(num_classes)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=args.epochs)
