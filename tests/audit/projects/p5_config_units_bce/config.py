"""Experiment settings."""
CLASSES = ("cat", "dog", "horse", "sheep")
NUM_CLASSES = len(CLASSES)
INPUT_SHAPE = (96, 96, 3)
LEARNING_RATE = 3e-4
