"""The data every model of this lesson is trained on."""
import sys

sys.path.append("../../helpers")
from helper_functions import *  # noqa: E402,F403

X, y = make_circles(1000, noise=0.03, random_state=42)
X_train, y_train = X[:800], y[:800]
X_test, y_test = X[800:], y[800:]
