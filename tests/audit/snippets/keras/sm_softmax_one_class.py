# expect: LM014:11
# qubvel's segmentation_models for Keras: a binary building mask (classes=1) with activation="softmax" over the
# one channel: every pixel is 1.0 and bce_jaccard_loss has nothing to learn from.
import segmentation_models as sm
from tensorflow import keras

BACKBONE = "resnet34"
preprocess_input = sm.get_preprocessing(BACKBONE)
x_train = preprocess_input(x_train)

model = sm.Unet(BACKBONE, classes=1, activation="softmax", encoder_weights="imagenet")
model.compile(keras.optimizers.Adam(1e-4), loss=sm.losses.bce_jaccard_loss, metrics=[sm.metrics.iou_score])
model.fit(x_train, y_train, batch_size=16, epochs=100, validation_data=(x_val, y_val))
