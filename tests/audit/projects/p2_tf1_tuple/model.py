import tensorflow as tf


def weight(shape, name):
    return tf.get_variable(name, shape, initializer=tf.glorot_uniform_initializer())


def build(x, num_classes=10, hidden=512):
    w1, b1 = weight([784, hidden], "w1"), tf.Variable(tf.zeros([hidden]))
    h = tf.nn.relu(tf.matmul(x, w1) + b1)
    w2, b2 = weight([hidden, num_classes], "w2"), tf.Variable(tf.zeros([num_classes]))
    logits = tf.matmul(h, w2) + b2
    probs = tf.nn.softmax(logits)
    return probs, logits
