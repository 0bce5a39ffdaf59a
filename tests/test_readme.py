"""README's 30-second tour: every line it says warns or raises does so on every run, with the message it shows."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
import torch

import lossmatch.errors

README = Path(__file__).resolve().parents[1] / "README.md"


def _tour() -> list[tuple[str, str | None, str | None]]:
    """``(statement, expected class name or None, expected message text or None)`` for each line of the tour."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## A 30-second tour\s+```python\n(.*?)```", text, re.S).group(1)
    steps: list[list] = []
    for line in block.splitlines():
        expectation = re.match(r"#\s*(\w+(?:Error|Warning)):\s*(.*)$", line.strip())
        if expectation and steps:
            steps[-1][1:] = [expectation.group(1), expectation.group(2)]
        elif line.strip() and not line.lstrip().startswith("#"):
            steps.append([line, None, None])
    return [tuple(step) for step in steps]


def _pieces(shown: str) -> list[str]:
    """The literal parts of a message as README shows it (``...`` stands for elided text)."""
    return [part.strip() for part in shown.split("...") if part.strip()]


def test_the_tour_has_a_warning_and_an_error_line():
    kinds = [kind for _, kind, _ in _tour() if kind]
    assert "LossInputWarning" in kinds and "TargetFormatError" in kinds


@pytest.mark.parametrize("seed", range(20))
def test_every_tour_line_does_what_its_comment_says(seed):
    torch.manual_seed(seed)
    namespace: dict = {}
    for statement, kind, shown in _tour():
        category = getattr(lossmatch.errors, kind) if kind else None
        raises = category is not None and not issubclass(category, Warning)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if raises:
                with pytest.raises(category) as raised:
                    exec(statement, namespace)  # noqa: S102 - README's own code
                message = str(raised.value)
            else:
                exec(statement, namespace)  # noqa: S102
                message = None
        found = [w for w in caught if issubclass(w.category, lossmatch.errors.LossInputWarning)]
        if category is not None and issubclass(category, Warning):
            assert found, f"seed {seed}: no {kind} from {statement!r}"
            message = str(found[0].message)
        elif category is None:
            assert not found, f"seed {seed}: unexpected warning from {statement!r}: {found[0].message}"
        for piece in _pieces(shown or ""):
            assert piece in message, (piece, message)


def test_the_compare_numbers_readme_quotes_are_what_the_demo_prints():
    """README's `lossmatch compare` bullet quotes the demo (digits, breast_cancer, yeast; 5 seeds), and the demo's
    verdicts follow the rule: worse/better beyond the interval and the margin, same inside +-margin."""
    import lossmatch

    text = " ".join(README.read_text(encoding="utf-8").split())
    f1 = re.search(r"micro-F1 collapses \((\d\.\d+) vs (\d\.\d+)\)", text)
    binary = re.search(r"binary accuracy reads (\d\.\d+)-(\d\.\d+) where top-1 accuracy reads (\d\.\d+)-(\d\.\d+)", text)
    sigmoid_cce = re.search(r"and (\d\.\d+) for sigmoid\+cce", text)
    assert f1 and binary and sigmoid_cce
    result = lossmatch.compare(report=False)
    mean = {(s["dataset"], s["pairing"], s["metric"]): s["mean"] for s in result.summary}
    shown = lambda value: f"{value:.3f}"  # noqa: E731 - as compare's table prints it
    assert (shown(mean[("yeast", "softmax+cce", "f1_micro")]), shown(mean[("yeast", "sigmoid+bce", "f1_micro")])) == f1.groups()
    others = ("softmax+cce", "sigmoid+bce", "softmax+bce")
    binaries = [mean[("digits", p, "binary_accuracy")] for p in others]
    top1 = [mean[("digits", p, "top1_accuracy")] for p in (*others, "sigmoid+cce")]
    assert (shown(min(binaries)), shown(max(binaries)), shown(min(top1)), shown(max(top1))) == binary.groups()
    assert shown(mean[("digits", "sigmoid+cce", "binary_accuracy")]) == sigmoid_cce.group(1)
    for v in result.verdicts:
        if v["verdict"] in ("worse", "better"):
            assert abs(v["delta"]) > v["margin"] and (v["ci_low"] > 0 or v["ci_high"] < 0), v
        elif v["verdict"] == "same":
            assert -v["margin"] <= v["ci_low"] and v["ci_high"] <= v["margin"], v
    verdict = {(v["dataset"], v["pairing"], v["metric"]): v["verdict"] for v in result.verdicts}
    assert verdict[("yeast", "softmax+cce", "f1_micro")] == "worse"
    assert verdict[("digits", "sigmoid+cce", "binary_accuracy")] == "worse"
    assert verdict[("digits", "sigmoid+cce", "top1_accuracy")] == "same"
    assert verdict[("breast_cancer", "softmax+bce", "log_loss")] == "same"  # was "better" on a -0.000 difference


def _training_snippets() -> list[tuple[str, list[str]]]:
    """README's training-time check snippets: ``(code, [the warning each '# LossInputWarning: ...' line shows])``."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"## Training-time checks\n(.*?)\n## ", text, re.DOTALL).group(1)
    return [(block, re.findall(r"^# LossInputWarning: (.*)$", block, re.MULTILINE))
            for block in re.findall(r"```python\n(.*?)```", section, re.DOTALL)]


def test_the_training_time_section_has_a_snippet_per_framework():
    imports = [re.findall(r"^import (lossmatch[\w.]*)", code, re.MULTILINE) for code, _ in _training_snippets()]
    assert imports == [["lossmatch"], ["lossmatch.keras"], ["lossmatch.lightning"]]
    assert all(shown for _, shown in _training_snippets())


@pytest.mark.parametrize("index", range(3), ids=["torch", "keras", "lightning"])
def test_every_training_time_snippet_warns_what_its_comments_say(index):
    """Each snippet runs as printed (two seeds) and warns exactly the findings its comments show, in that order."""
    code, shown = _training_snippets()[index]
    if index == 2:
        pytest.importorskip("lightning")
    import numpy as np

    for seed in range(2):
        torch.manual_seed(seed)
        np.random.seed(seed)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec(code, {"__name__": f"readme_training_{index}"})  # noqa: S102 - README's own code
        found = [str(w.message) for w in caught if issubclass(w.category, lossmatch.errors.LossInputWarning)]
        assert len(found) == len(shown), (seed, found)
        for message, expected in zip(found, shown):
            for piece in _pieces(expected):
                assert piece in message, (seed, piece, message)
