# -*- coding: utf-8 -*-
import re
import string

TOKEN = re.compile(ur"[\w']+", re.UNICODE)
MAX_WORDS = 20000L


def tokenize(text):
    return TOKEN.findall(text.lower())


def build_vocab(texts, max_words=MAX_WORDS):
    counts = {}
    for text in texts:
        for word in tokenize(text):
            if counts.has_key(word):
                counts[word] += 1
            else:
                counts[word] = 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])[:max_words]
    if len(ranked) <> len(counts):
        print "vocabulary cut from", len(counts), "to", len(ranked), "words"
    return dict((word, i + 1) for i, (word, _) in enumerate(ranked))


def encode(texts, vocab, maxlen):
    rows = []
    for text in texts:
        ids = [vocab.get(w, 0) for w in tokenize(text)][:maxlen]
        rows.append([0] * (maxlen - len(ids)) + ids)
    return rows
