#!/usr/bin/env python
"""Train the digit MLP.  Usage: python train.py mnist.pkl.gz [epochs]"""
import os
import sys

from data import load_digits
from models import build_mlp

batch_size = 128
nb_epoch = int(sys.argv[2]) if len(sys.argv) > 2 else 20
out_dir = 'checkpoints'

if not os.path.isdir(out_dir):
    os.makedirs(out_dir, 0755)

(x_train, y_train), (x_test, y_test) = load_digits(sys.argv[1])
model = build_mlp(784)
model.summary()

model.compile(optimizer='rmsprop',
              loss='binary_crossentropy',
              metrics=['accuracy'])

for epoch in xrange(nb_epoch):
    print "epoch", epoch + 1, "/", nb_epoch,
    history = model.fit(x_train, y_train, batch_size=batch_size, nb_epoch=1, verbose=0)
    print "- loss %.4f" % history.history['loss'][-1]
    if epoch % 5 == 4:
        model.save_weights(os.path.join(out_dir, 'mlp_%02d.h5' % epoch))

score = model.evaluate(x_test, y_test, verbose=0)
print >>sys.stderr, 'test loss:', score[0]
print >>sys.stderr, 'test accuracy:', score[1]
