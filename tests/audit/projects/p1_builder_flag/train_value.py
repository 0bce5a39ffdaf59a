import numpy as np

from nets import build_network

BOARD = 9
boards = np.load("boards.npy").reshape(-1, BOARD, BOARD, 1)
outcomes = np.load("outcomes.npy")  # +1 win, -1 loss

value = build_network((BOARD, BOARD, 1), BOARD * BOARD)
value.compile(optimizer="sgd", loss="mse")
value.fit(boards, outcomes, batch_size=64, epochs=5)
