import argparse

from tensorflow.keras.preprocessing.image import ImageDataGenerator

from config import BATCH_SIZE, CLASSES, IMG_SIZE
from models import build_model

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="flowers/")
parser.add_argument("--epochs", type=int, default=25)
args = parser.parse_args()

datagen = ImageDataGenerator(rescale=1.0 / 255, validation_split=0.2, horizontal_flip=True)
train_gen = datagen.flow_from_directory(args.data, target_size=IMG_SIZE, batch_size=BATCH_SIZE,
                                        classes=CLASSES, subset="training")
val_gen = datagen.flow_from_directory(args.data, target_size=IMG_SIZE, batch_size=BATCH_SIZE,
                                      classes=CLASSES, subset="validation")

model = build_model()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_gen, validation_data=val_gen, epochs=args.epochs)
model.save("flowers.h5")
