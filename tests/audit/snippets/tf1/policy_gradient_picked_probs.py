# expect: LM040:18 LM040:24 LM040:30
# Policy-gradient agents in TF1: the policy ends in a softmax and the loss takes the log of the probability of
# the chosen action, picked three ways (gather on the flattened output, slice, a sum against one-hot actions).
# Each is the log of a softmax by hand: use tf.nn.log_softmax, or the sparse cross-entropy on the logits.
import tensorflow as tf

tf.reset_default_graph()
state_in = tf.placeholder(shape=[None, 4], dtype=tf.float32)
reward_holder = tf.placeholder(shape=[None], dtype=tf.float32)
action_holder = tf.placeholder(shape=[None], dtype=tf.int32)
hidden = tf.layers.dense(state_in, 16, activation=tf.nn.relu)

# vanilla policy gradient
output = tf.layers.dense(hidden, 2, activation=tf.nn.softmax)
indexes = tf.range(0, tf.shape(output)[0]) * tf.shape(output)[1] + action_holder
responsible_outputs = tf.gather(tf.reshape(output, [-1]), indexes)
loss = -tf.reduce_mean(
    tf.log(responsible_outputs) * reward_holder
)

# a multi-armed bandit
weights = tf.Variable(tf.ones([4]))
responsible_weight = tf.slice(tf.nn.softmax(weights), action_holder, [1])
bandit_loss = -(tf.log(responsible_weight) * reward_holder)

# actor-critic
policy = tf.layers.dense(hidden, 2, activation=tf.nn.softmax)
actions_onehot = tf.one_hot(action_holder, 2, dtype=tf.float32)
responsible = tf.reduce_sum(policy * actions_onehot, [1])
policy_loss = -tf.reduce_sum(tf.log(responsible) * reward_holder)

optimizer = tf.train.AdamOptimizer(1e-2).minimize(loss + bandit_loss + policy_loss)
