# expect: LM003:38
# The DCGAN layout, but the generator also goes to a helper whose result the file does not train (an export):
# that helper, or another file, may train it with its compile, so the compile is judged.
from keras.layers import Dense, Reshape
from keras.models import Sequential
from keras.optimizers import SGD
import numpy as np


def generator_model():
    model = Sequential()
    model.add(Dense(1024, input_dim=100, activation="tanh"))
    model.add(Dense(28 * 28, activation="tanh"))
    model.add(Reshape((28, 28, 1)))
    return model


def discriminator_model():
    model = Sequential()
    model.add(Reshape((784,), input_shape=(28, 28, 1)))
    model.add(Dense(256, activation="tanh"))
    model.add(Dense(1, activation="sigmoid"))
    return model


def stacked(g, d):
    model = Sequential()
    model.add(g)
    d.trainable = False
    model.add(d)
    return model


def train(images, batch_size=128):
    d = discriminator_model()
    g = generator_model()
    d_on_g = stacked(g, d)
    g.compile(loss="binary_crossentropy", optimizer="SGD")
    d_on_g.compile(loss="binary_crossentropy", optimizer=SGD(learning_rate=0.0005))
    d.trainable = True
    d.compile(loss="binary_crossentropy", optimizer=SGD(learning_rate=0.0005))
    for index in range(len(images) // batch_size):
        noise = np.random.uniform(-1, 1, size=(batch_size, 100))
        fakes = g.predict(noise, verbose=0)
        real = images[index * batch_size:(index + 1) * batch_size]
        d.train_on_batch(np.concatenate((real, fakes)), [1] * batch_size + [0] * batch_size)
        d.trainable = False
        d_on_g.train_on_batch(noise, [1] * batch_size)
        d.trainable = True
        g.save_weights("generator.h5", True)
    return publish(g)
