# expect: LM001:17
# TF1's layer classes (tf.layers.Dense, tf.compat.v1.layers.Dense) built and called in one expression: the last
# one ends in a softmax, and the loss that applies softmax itself is given that output under the name `logits`.
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 28, 28, 1])
y = tf.placeholder(tf.float32, [None, 10])
init = tf.contrib.layers.variance_scaling_initializer()
conv = tf.layers.Conv2D(filters=6, kernel_size=5, padding="same", activation=tf.nn.relu)(x)
pool = tf.layers.MaxPooling2D(pool_size=2, strides=2)(conv)
flat = tf.layers.Flatten()(pool)
hidden = tf.compat.v1.layers.Dense(units=84, activation=tf.nn.relu, kernel_initializer=init)(flat)
out = tf.compat.v1.layers.Dense(units=10, activation=tf.nn.softmax, kernel_initializer=init)(hidden)
logits = out
prediction = tf.argmax(logits, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, tf.argmax(y, 1)), tf.float32))
loss = tf.losses.softmax_cross_entropy(onehot_labels=y, logits=logits)
train_op = tf.train.AdamOptimizer().minimize(loss)
