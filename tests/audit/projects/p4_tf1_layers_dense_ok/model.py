import tensorflow as tf


def inference(images, num_classes, training):
    net = tf.layers.conv2d(images, 32, 3, padding="same", activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(net, 2, 2)
    net = tf.layers.conv2d(net, 64, 3, padding="same", activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(net, 2, 2)
    net = tf.layers.flatten(net)
    net = tf.layers.dense(net, 256, activation=tf.nn.relu)
    net = tf.layers.dropout(net, rate=0.5, training=training)
    return tf.layers.dense(net, num_classes, activation=None)
