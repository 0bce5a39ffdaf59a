"""Topic classifier for the 20 newsgroups (one topic per post), Keras 1.x."""
import sys

import numpy as np
from keras.layers import Activation, Dense, Dropout, Embedding, GlobalAveragePooling1D
from keras.models import Sequential
from keras.utils.np_utils import to_categorical

from preprocess import MAX_WORDS, build_vocab, encode

MAXLEN = 400
NB_CLASSES = 20


def read_posts(path):
    texts, labels = [], []
    for line in open(path):
        label, text = line.rstrip("\n").split("\t", 1)
        texts.append(text.decode("utf-8"))
        labels.append(int(label))
    return texts, np.array(labels)


if len(sys.argv) < 2:
    raise SystemExit, "usage: train_news.py posts.tsv"
texts, labels = read_posts(sys.argv[1])
vocab = build_vocab(texts)
x = np.array(encode(texts, vocab, MAXLEN))
y = to_categorical(labels, NB_CLASSES)
print "%d posts, %d topics" % (len(x), NB_CLASSES)
print "first post:", `texts[0][:60]`

model = Sequential()
model.add(Embedding(MAX_WORDS + 1, 64, input_length=MAXLEN))
model.add(GlobalAveragePooling1D())
model.add(Dense(128))
model.add(Activation('relu'))
model.add(Dropout(0.5))
model.add(Dense(NB_CLASSES))
model.add(Activation('sigmoid'))
model.compile(loss='categorical_crossentropy', optimizer='adam')
model.fit(x, y, batch_size=32, nb_epoch=10, validation_split=0.1)
model.save('news_topics.h5')
