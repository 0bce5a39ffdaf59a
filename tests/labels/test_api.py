"""Public surface: lazy names on `lossmatch`, and a cheap `import lossmatch.labels`."""

from __future__ import annotations

import subprocess
import sys

import lossmatch
import lossmatch.labels


def test_lazy_public_names():
    assert lossmatch.advise is lossmatch.labels.advise
    assert lossmatch.LabelReport is lossmatch.labels.LabelReport


def test_import_does_not_load_heavy_modules():
    code = ("import sys, lossmatch.labels; heavy = [m for m in ('sklearn', 'pyarrow', 'arff', 'keras', 'matplotlib', "
            "'pandas') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    assert out == ""


def test_dataframe_columns_name_the_labels():
    import pandas as pd

    frame = pd.DataFrame({"sports": [1, 0, 1], "politics": [0, 1, 1]})
    report = lossmatch.advise(frame)
    assert report.task == "multilabel" and report.classes == ("sports", "politics")
