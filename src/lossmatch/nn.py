"""``torch.nn.Module`` wrappers of the losses: see :mod:`lossmatch.losses.modules`."""

from lossmatch.losses.modules import *  # noqa: F401,F403
from lossmatch.losses.modules import __all__  # noqa: F401
