# expect:
# The correct twin: the last tf.layers.Dense has no activation, its output is the logits the loss takes, and the
# softmax is applied only for the prediction.
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 28, 28, 1])
y = tf.placeholder(tf.float32, [None, 10])
init = tf.contrib.layers.variance_scaling_initializer()
conv = tf.layers.Conv2D(filters=6, kernel_size=5, padding="same", activation=tf.nn.relu)(x)
pool = tf.layers.MaxPooling2D(pool_size=2, strides=2)(conv)
flat = tf.layers.Flatten()(pool)
hidden = tf.compat.v1.layers.Dense(units=84, activation=tf.nn.relu, kernel_initializer=init)(flat)
logits = tf.compat.v1.layers.Dense(units=10, kernel_initializer=init)(hidden)
probs = tf.nn.softmax(logits)
prediction = tf.argmax(probs, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, tf.argmax(y, 1)), tf.float32))
loss = tf.losses.softmax_cross_entropy(onehot_labels=y, logits=logits)
train_op = tf.train.AdamOptimizer().minimize(loss)
