"""The examples in the loss docstrings are run, so their printed values cannot drift from the code."""

import doctest
import importlib

import pytest
import torch

MODULES = ["lossmatch.losses._binary", "lossmatch.losses._categorical", "lossmatch.losses._focal", "lossmatch.losses._smoothing",
           "lossmatch.losses._robust", "lossmatch.losses._hinge"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"torch": torch}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
