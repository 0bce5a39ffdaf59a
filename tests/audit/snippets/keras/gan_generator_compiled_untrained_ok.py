# expect:
# A GAN in the usual Keras style: the generator is compiled (with a loss that would not fit its tanh output) but
# never trained on its own; it is trained through the combined model, whose loss is right. The weight-dump
# model is compiled only so that load_weights works. Neither compile configures a loss any training step uses.
from keras.layers import Dense, Input, LeakyReLU
from keras.models import Model, Sequential
import numpy as np

generator = Sequential()
generator.add(Dense(256, input_dim=100))
generator.add(LeakyReLU(0.2))
generator.add(Dense(784, activation="tanh"))
generator.compile(loss="binary_crossentropy", optimizer="adam")

discriminator = Sequential()
discriminator.add(Dense(256, input_dim=784))
discriminator.add(LeakyReLU(0.2))
discriminator.add(Dense(1, activation="sigmoid"))
discriminator.compile(loss="binary_crossentropy", optimizer="adam")

discriminator.trainable = False
noise_in = Input(shape=(100,))
gan = Model(noise_in, discriminator(generator(noise_in)))
gan.compile(loss="binary_crossentropy", optimizer="adam")

for step in range(1000):
    noise = np.random.normal(size=(64, 100))
    fakes = generator.predict(noise)
    discriminator.trainable = True
    discriminator.train_on_batch(fakes, np.zeros(64))
    discriminator.trainable = False
    gan.train_on_batch(noise, np.ones(64))
