import tensorflow as tf
import tensorflow.contrib.slim as slim


def tagger(inputs, num_labels, is_training=True):
    with slim.arg_scope([slim.fully_connected], weights_regularizer=slim.l2_regularizer(1e-4)):
        net = slim.fully_connected(inputs, 512, scope="fc1")
        net = slim.dropout(net, 0.5, is_training=is_training, scope="drop1")
        net = slim.fully_connected(net, 256, scope="fc2")
        scores = slim.fully_connected(net, num_labels, activation_fn=None, scope="out")
        return scores
