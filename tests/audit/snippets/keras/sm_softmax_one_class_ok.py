# expect:
# The twin: the library default (activation="sigmoid" for one class) with the binary cross-entropy + Jaccard
# loss on probabilities; four classes use softmax and the categorical form.
import segmentation_models as sm
from tensorflow import keras

BACKBONE = "resnet34"
preprocess_input = sm.get_preprocessing(BACKBONE)
x_train = preprocess_input(x_train)

model = sm.Unet(BACKBONE, classes=1, encoder_weights="imagenet")
model.compile(keras.optimizers.Adam(1e-4), loss=sm.losses.bce_jaccard_loss, metrics=[sm.metrics.iou_score])
model.fit(x_train, y_train, batch_size=16, epochs=100, validation_data=(x_val, y_val))

multi = sm.FPN(BACKBONE, classes=4, activation="softmax")
multi.compile("adam", loss=sm.losses.categorical_focal_dice_loss)
multi.fit(x_train, y_train_4, epochs=10)
