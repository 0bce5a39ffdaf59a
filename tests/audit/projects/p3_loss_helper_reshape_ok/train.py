import tensorflow as tf

from model.segmenter import Segmenter
from utils.losses import pixel_losses


def fit(model, dataset, steps):
    optimizer = tf.keras.optimizers.Adam(1e-4)

    @tf.function
    def step(images, masks):
        with tf.GradientTape() as tape:
            scores = model(images)
            loss = pixel_losses(scores, masks)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for images, masks in dataset.take(steps):
        step(images, masks)


def main(dataset):
    fit(Segmenter(), dataset, 1000)
