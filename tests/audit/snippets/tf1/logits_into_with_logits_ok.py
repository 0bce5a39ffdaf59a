# expect: none
import tensorflow as tf

num_classes = 10
x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, num_classes])
W = tf.Variable(tf.zeros([784, num_classes]))
b = tf.Variable(tf.zeros([num_classes]))
logits = tf.matmul(x, W) + b
y = tf.nn.softmax(logits)

cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)
correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
