import os
import time

import numpy as np
import torch


def load_split(root, name):
    path = os.path.join(root, name + ".npz")
    try:
	arrays = np.load(path)
    except IOError, e:
	print "cannot read", path, ":", e
	raise
    features = torch.from_numpy(arrays["mfcc"].astype(np.float32))
    labels = torch.from_numpy(arrays["label"].astype(np.int64))
    return torch.utils.data.TensorDataset(features, labels)


class Timer(object):
    def __enter__(self):
	self.start = time.time()
	return self

    def __exit__(self, *exc):
	self.seconds = time.time() - self.start
	print "took %.1fs" % self.seconds
