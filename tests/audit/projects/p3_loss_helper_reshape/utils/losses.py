import tensorflow as tf


def pixel_losses(scores, masks):
    n_classes = scores.shape[-1]
    flat_scores = tf.reshape(tf.cast(scores, tf.float32), [tf.shape(input=scores)[0], -1, n_classes])
    flat_masks = tf.reshape(masks, [tf.shape(input=scores)[0], -1, n_classes])
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=flat_scores, labels=flat_masks))
