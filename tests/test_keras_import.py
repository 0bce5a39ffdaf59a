"""``import lossmatch.keras`` without a usable Keras backend: one line naming KERAS_BACKEND=torch, no Keras frames."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _import(tmp_path, backend: str | None, prelude: str = ""):
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    env["HOME"] = str(tmp_path)  # no ~/.keras/keras.json of this machine
    if backend is not None:
        env["KERAS_BACKEND"] = backend
    return subprocess.run([sys.executable, "-c", f"{prelude}import lossmatch.keras"], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.parametrize("backend", [None, "tensorflow", "jax", "no_such_backend"])
def test_a_backend_that_does_not_import_is_one_line(tmp_path, backend):
    pytest.importorskip("keras")
    for module in ("tensorflow", "jax"):
        if backend in (None, module) and _installed(module):
            pytest.skip(f"{module} is installed here")
    done = _import(tmp_path, backend)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: Expected a Keras backend that imports for `lossmatch.keras`, but got ")
    assert "Set KERAS_BACKEND=torch before the first `import keras`" in last
    assert (f"KERAS_BACKEND={backend!r}" if backend else "no KERAS_BACKEND") in last
    assert "site-packages/keras" not in done.stderr  # Keras' own frames are not shown


def test_no_keras_at_all_says_how_to_install_it(tmp_path):
    done = _import(tmp_path, "torch", prelude="import sys; sys.modules['keras'] = None; ")
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == 1 and "no module named 'keras'. Install it (pip install keras)" in last


def test_the_torch_backend_imports(tmp_path):
    pytest.importorskip("keras")
    done = _import(tmp_path, "torch", prelude="")
    assert done.returncode == 0, done.stderr


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
