"""Shared imports and plotting helpers for every lesson of the course."""
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_circles
from tensorflow.keras import Sequential
from tensorflow.keras.activations import linear, relu, sigmoid
from tensorflow.keras.layers import Dense
from tensorflow.keras.losses import binary_crossentropy
from tensorflow.keras.optimizers import Adam


def plot_decision_boundary(model, X, y):
    xx, yy = np.meshgrid(np.linspace(-1.5, 1.5, 100), np.linspace(-1.5, 1.5, 100))
    grid = np.c_[xx.ravel(), yy.ravel()]
    plt.contourf(xx, yy, model.predict(grid).reshape(xx.shape), alpha=0.7)
    plt.scatter(X[:, 0], X[:, 1], c=y, s=10)
