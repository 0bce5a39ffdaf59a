import argparse

import numpy as np
import tensorflow as tf

from model import tagger

parser = argparse.ArgumentParser()
parser.add_argument("--features", default="audioset_embeddings.npz")
parser.add_argument("--num-labels", type=int, default=527)
parser.add_argument("--epochs", type=int, default=10)
args = parser.parse_args()

data = np.load(args.features)
x = tf.placeholder(tf.float32, [None, 128])
y = tf.placeholder(tf.float32, [None, args.num_labels])
scores = tagger(x, args.num_labels)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=scores))
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(args.epochs):
        for i in range(0, len(data["x"]), 256):
            feed = {x: data["x"][i:i + 256], y: data["y"][i:i + 256]}
            _, l = sess.run([train_op, loss], feed_dict=feed)
        print("epoch %d loss %.4f" % (epoch, l))
