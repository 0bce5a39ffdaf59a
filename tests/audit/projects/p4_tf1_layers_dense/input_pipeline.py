import tensorflow as tf


def _parse(record):
    feats = tf.parse_single_example(record, {"image": tf.FixedLenFeature([], tf.string),
                                             "label": tf.FixedLenFeature([], tf.int64)})
    image = tf.image.decode_png(feats["image"], channels=3)
    image = tf.image.resize_images(image, [32, 32]) / 255.0
    return image, tf.cast(feats["label"], tf.int32)


def train_batches(batch_size, path="data/train.tfrecord"):
    ds = tf.data.TFRecordDataset(path).map(_parse).shuffle(10000).repeat().batch(batch_size)
    return ds.make_one_shot_iterator().get_next()
