import tensorflow as tf

import model
from input_pipeline import train_batches

flags = tf.app.flags
flags.DEFINE_string("train_dir", "/tmp/gtsrb", "checkpoint directory")
flags.DEFINE_integer("num_classes", 43, "number of sign classes")
flags.DEFINE_integer("max_steps", 20000, "training steps")
FLAGS = flags.FLAGS


def main(_):
    images, labels = train_batches(batch_size=64)
    logits = model.inference(images, FLAGS.num_classes, training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    global_step = tf.train.get_or_create_global_step()
    train_op = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss, global_step=global_step)
    predictions = tf.argmax(tf.nn.softmax(logits), axis=1)
    tf.summary.scalar("loss", loss)
    with tf.train.MonitoredTrainingSession(checkpoint_dir=FLAGS.train_dir) as sess:
        for step in range(FLAGS.max_steps):
            _, l = sess.run([train_op, loss])
            if step % 200 == 0:
                tf.logging.info("step %d loss %.4f", step, l)


if __name__ == "__main__":
    tf.app.run()
