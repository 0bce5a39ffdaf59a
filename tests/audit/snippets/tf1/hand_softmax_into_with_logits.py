# expect: LM001:17 LM040:21
"""TF1 softmax regression with the softmax written out (exp over its row sum), then handed to the fused loss
as if it were logits; a second head takes log() of the same hand softmax."""
import tensorflow as tf

n_pixels, n_classes = 784, 10
images = tf.placeholder(tf.float32, [None, n_pixels])
labels = tf.placeholder(tf.float32, [None, n_classes])
weights = tf.Variable(tf.zeros([n_pixels, n_classes]))
bias = tf.Variable(tf.zeros([n_classes]))

scores = tf.matmul(images, weights) + bias
exp_scores = tf.exp(scores)
prediction = exp_scores / tf.reduce_sum(exp_scores, axis=1, keep_dims=True)

cost = tf.reduce_mean(
    tf.nn.softmax_cross_entropy_with_logits(
        labels=labels, logits=prediction))
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(cost)

manual = -tf.reduce_mean(tf.reduce_sum(labels * tf.log(prediction), axis=1))
train_manual = tf.train.GradientDescentOptimizer(0.5).minimize(manual)
