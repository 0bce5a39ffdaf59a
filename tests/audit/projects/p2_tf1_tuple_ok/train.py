import argparse

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

import model

parser = argparse.ArgumentParser()
parser.add_argument("--data_dir", default="/tmp/mnist")
parser.add_argument("--steps", type=int, default=5000)
FLAGS = parser.parse_args()

mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.float32, [None, 10])
logits, probs = model.build(x)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(probs, 1), tf.argmax(y, 1)), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(FLAGS.steps):
        bx, by = mnist.train.next_batch(100)
        _, l = sess.run([train_op, loss], feed_dict={x: bx, y: by})
        if step % 500 == 0:
            print("step", step, "loss", l, "acc", sess.run(accuracy, feed_dict={x: bx, y: by}))
