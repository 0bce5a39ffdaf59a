# expect: LM040:14 LM041:19 LM041:20
"""Cross-entropies written out with the log kept off 0: a clip or an epsilon keeps the loss finite, but a confident
mistake below the guard gets no gradient, where log_softmax / log_sigmoid give the full one."""
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
pred = tf.nn.softmax(tf.matmul(x, W) + b)
clipped = tf.clip_by_value(pred, 1e-10, 1.0)
cost = tf.reduce_mean(-tf.reduce_sum(y * tf.log(clipped), reduction_indices=1))

EPS = 1e-10
click = tf.placeholder(tf.float32, [None, 1])
score = tf.nn.sigmoid(tf.matmul(x, tf.Variable(tf.zeros([784, 1]))))
bce = -tf.reduce_mean(click * tf.log(score + EPS)
                      + (1 - click) * tf.log(1 - score + EPS))
