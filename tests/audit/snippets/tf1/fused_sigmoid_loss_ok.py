# expect: none
import tensorflow.compat.v1 as tf

n_features = 13
x = tf.placeholder(tf.float32, [None, n_features])
t = tf.placeholder(tf.float32, [None, 1])
W = tf.get_variable("W", [n_features, 1])
b = tf.get_variable("b", [1])
logit = tf.matmul(x, W) + b
p = tf.sigmoid(logit)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=logit))
log_p = tf.log_sigmoid(logit)
optimizer = tf.train.AdamOptimizer(0.01).minimize(loss)
