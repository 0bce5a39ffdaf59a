import numpy as np
from tensorflow import keras

from nets import build_network

BOARD = 9
moves = np.load("moves.npy")
boards = np.load("boards.npy").reshape(-1, BOARD, BOARD, 1)
targets = keras.utils.to_categorical(moves, BOARD * BOARD)

policy = build_network((BOARD, BOARD, 1), BOARD * BOARD, is_policy_net=True)
policy.compile(optimizer="sgd", loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
policy.fit(boards, targets, batch_size=64, epochs=5)
