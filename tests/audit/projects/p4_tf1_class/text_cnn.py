import tensorflow as tf


class TextCNN:
    def __init__(self, seq_len, num_classes, vocab_size, emb_dim=128, filter_sizes=(3, 4, 5), num_filters=128):
        self.input_x = tf.placeholder(tf.int32, [None, seq_len], name="input_x")
        self.input_y = tf.placeholder(tf.float32, [None, num_classes], name="input_y")
        self.keep_prob = tf.placeholder(tf.float32, name="keep_prob")
        self.probs = self.build(vocab_size, emb_dim, filter_sizes, num_filters, num_classes)
        self.predictions = tf.argmax(self.probs, 1, name="predictions")
        losses = tf.nn.softmax_cross_entropy_with_logits(labels=self.input_y, logits=self.probs)
        self.loss = tf.reduce_mean(losses)
        correct = tf.equal(self.predictions, tf.argmax(self.input_y, 1))
        self.accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

    def build(self, vocab_size, emb_dim, filter_sizes, num_filters, num_classes):
        emb = tf.Variable(tf.random_uniform([vocab_size, emb_dim], -1.0, 1.0))
        x = tf.expand_dims(tf.nn.embedding_lookup(emb, self.input_x), -1)
        pooled = []
        for size in filter_sizes:
            conv = tf.layers.conv2d(x, num_filters, (size, emb_dim), activation=tf.nn.relu)
            pooled.append(tf.reduce_max(conv, axis=1))
        h = tf.nn.dropout(tf.reshape(tf.concat(pooled, 2), [-1, num_filters * len(filter_sizes)]), self.keep_prob)
        return tf.contrib.layers.fully_connected(h, num_classes, activation_fn=tf.nn.softmax)
