# expect:
# The twin: the log-probabilities come from tf.nn.log_softmax on the logits (picked the same three ways), and
# the softmax itself is only taken to sample actions.
import tensorflow as tf

tf.reset_default_graph()
state_in = tf.placeholder(shape=[None, 4], dtype=tf.float32)
reward_holder = tf.placeholder(shape=[None], dtype=tf.float32)
action_holder = tf.placeholder(shape=[None], dtype=tf.int32)
hidden = tf.layers.dense(state_in, 16, activation=tf.nn.relu)

# vanilla policy gradient
output = tf.nn.log_softmax(tf.layers.dense(hidden, 2))
sample_probs = tf.exp(output)
indexes = tf.range(0, tf.shape(output)[0]) * tf.shape(output)[1] + action_holder
responsible_outputs = tf.gather(tf.reshape(output, [-1]), indexes)
loss = -tf.reduce_mean(
    responsible_outputs * reward_holder
)

# a multi-armed bandit
weights = tf.Variable(tf.ones([4]))
responsible_weight = tf.slice(tf.nn.log_softmax(weights), action_holder, [1])
bandit_loss = -(responsible_weight * reward_holder)

# actor-critic
policy = tf.nn.log_softmax(tf.layers.dense(hidden, 2))
actions_onehot = tf.one_hot(action_holder, 2, dtype=tf.float32)
responsible = tf.reduce_sum(policy * actions_onehot, [1])
policy_loss = -tf.reduce_sum(responsible * reward_holder)

optimizer = tf.train.AdamOptimizer(1e-2).minimize(loss + bandit_loss + policy_loss)
