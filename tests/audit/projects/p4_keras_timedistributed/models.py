from tensorflow.keras import Model
from tensorflow.keras.layers import LSTM, Bidirectional, Dense, Dropout, Embedding, Input, TimeDistributed


def build_tagger(vocab_size, n_tags, max_len=75, emb_dim=100):
    words = Input(shape=(max_len,))
    x = Embedding(vocab_size, emb_dim, mask_zero=True)(words)
    x = Dropout(0.1)(x)
    x = Bidirectional(LSTM(100, return_sequences=True, recurrent_dropout=0.1))(x)
    out = TimeDistributed(Dense(n_tags, activation="softmax"))(x)
    return Model(words, out)
