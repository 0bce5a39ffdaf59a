# expect: LM010:10 LM014:30
# Models written from scratch in TensorFlow 2: a 784 x 10 weight matrix gives 10 raw scores, the softmax of
# them is scored with binary cross-entropy (tf.losses is tf.keras.losses in TF 2; the model and the loss are
# lambdas); a 13 x 1 weight gives one score, whose softmax is always 1.0.
import tensorflow as tf

W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
model = lambda x: tf.nn.softmax(tf.matmul(x, W) + b)
compute_loss = lambda true, pred: tf.reduce_mean(tf.losses.binary_crossentropy(true, pred))
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
        p = tf.nn.softmax(logit)
        loss = tf.reduce_mean(tf.keras.losses.binary_crossentropy(y, p))
    return tape.gradient(loss, [w_house, b_house])
