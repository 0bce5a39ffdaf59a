import tensorflow as tf

from model import PiNet


def supervised_loss(model, images, onehot_labels):
    predictions = model(images)
    return tf.losses.softmax_cross_entropy(onehot_labels, predictions)


def main(dataset):
    model = PiNet(n_classes=10)
    optimizer = tf.train.AdamOptimizer(1e-3)
    for images, labels in dataset:
        with tf.GradientTape() as tape:
            loss = supervised_loss(model, images, labels)
        grads = tape.gradient(loss, model.variables)
        optimizer.apply_gradients(zip(grads, model.variables))
