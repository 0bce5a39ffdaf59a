import sys

import numpy as np
from keras.utils import to_categorical
from multi_gpu import make_parallel  # a helper module that is not part of this checkout

from models import build

x_train = np.load("x_train.npy")
y_train = to_categorical(np.load("y_train.npy"), 20)

model = build(x_train.shape[1], 20)
model = make_parallel(model, int(sys.argv[1]) if len(sys.argv) > 1 else 1)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, epochs=10, batch_size=128)
