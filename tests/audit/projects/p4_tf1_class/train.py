import argparse

import numpy as np
import tensorflow as tf

from text_cnn import TextCNN

ap = argparse.ArgumentParser()
ap.add_argument("--data", default="reviews.npz")
ap.add_argument("--epochs", type=int, default=5)
args = ap.parse_args()

data = np.load(args.data)
cnn = TextCNN(seq_len=data["x"].shape[1], num_classes=2, vocab_size=int(data["x"].max()) + 1)
train_op = tf.train.AdamOptimizer(1e-3).minimize(cnn.loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(args.epochs):
        for i in range(0, len(data["x"]), 64):
            feed = {cnn.input_x: data["x"][i:i + 64], cnn.input_y: data["y"][i:i + 64], cnn.keep_prob: 0.5}
            _, loss, acc = sess.run([train_op, cnn.loss, cnn.accuracy], feed_dict=feed)
        print("epoch {}: loss {:.4f}, acc {:.3f}".format(epoch, loss, acc))
