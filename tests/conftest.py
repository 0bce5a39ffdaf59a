import os

# Keras 3 runs on the torch backend in the tests (no TensorFlow here); set before any keras import.
os.environ.setdefault("KERAS_BACKEND", "torch")
