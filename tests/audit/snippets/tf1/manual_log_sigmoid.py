# expect: LM041:16 LM041:17
"""Hand-written binary cross-entropy in TF1 on a sigmoid output."""
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

n_features = 13
x = tf.placeholder(tf.float32, [None, n_features])
t = tf.placeholder(tf.float32, [None, 1])
W = tf.get_variable("W", [n_features, 1])
b = tf.get_variable("b", [1])
logit = tf.matmul(x, W) + b
p = tf.sigmoid(logit)

loss = -tf.reduce_mean(
    t * tf.log(p)
    + (1 - t) * tf.log(1 - p)
)
optimizer = tf.train.AdamOptimizer(0.01).minimize(loss)
