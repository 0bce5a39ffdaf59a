import cPickle
import gzip
import os

import numpy as np
from keras.utils import np_utils


def load_digits(path, nb_classes=10):
    if not os.path.exists(path):
        raise IOError, "no data file at %s" % path
    f = gzip.open(path, 'rb')
    try:
        (x_train, y_train), (x_test, y_test) = cPickle.load(f)
    finally:
        f.close()
    x_train = x_train.reshape(len(x_train), 784).astype('float32') / 255
    x_test = x_test.reshape(len(x_test), 784).astype('float32') / 255
    print x_train.shape[0], 'train samples'
    print x_test.shape[0], 'test samples'
    return (x_train, np_utils.to_categorical(y_train, nb_classes)), (x_test, np_utils.to_categorical(y_test, nb_classes))
