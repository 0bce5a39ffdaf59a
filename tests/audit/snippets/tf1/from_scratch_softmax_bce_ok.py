# expect:
# The twin: the 10-way softmax is scored with categorical cross-entropy, and the one score of the second model
# goes through a sigmoid into binary cross-entropy.
import tensorflow as tf

W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
model = lambda x: tf.nn.softmax(tf.matmul(x, W) + b)
compute_loss = lambda true, pred: tf.reduce_mean(tf.losses.categorical_crossentropy(true, pred))
optimizer = tf.optimizers.SGD(0.5)


def train_step(x, y_onehot):
    with tf.GradientTape() as tape:
        pred = model(x)
        loss = compute_loss(y_onehot, pred)
    grads = tape.gradient(loss, [W, b])
    optimizer.apply_gradients(zip(grads, [W, b]))
    return loss


w_house = tf.Variable(tf.random.normal([13, 1], stddev=0.1))
b_house = tf.Variable(0.0)


def expensive_step(x, y):
    with tf.GradientTape() as tape:
        logit = x @ w_house + b_house
        p = tf.sigmoid(logit)
        loss = tf.reduce_mean(tf.keras.losses.binary_crossentropy(y, p))
    return tape.gradient(loss, [w_house, b_house])
