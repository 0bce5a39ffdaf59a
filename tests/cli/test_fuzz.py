"""Bad input never crashes: random bytes, truncations of valid files and random option values, per subcommand.

Each case runs the real entry point in this process. Whatever the input, the exit code is never 3 (internal
error), nothing on stderr is a traceback or a raw control character, and no temporary file is left behind;
an input that is refused (exit 2) gets exactly one line, and nothing is written for it. Invalid option
values are always refused. Bounded to a few seconds per subcommand (few examples, tiny data and models).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossmatch.cli import main

pytestmark = pytest.mark.filterwarnings("ignore")
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
TINY_COMPARE = ["--seeds", "2", "--epochs", "1", "--hidden", "2", "--pairings", "softmax+cce", "--no-report"]


def _valid_files(folder: Path) -> dict[str, bytes]:
    """A small valid file of each readable format, as bytes (truncated and corrupted below)."""
    rng = np.random.default_rng(0)
    y = np.arange(24) % 3
    x = rng.normal(size=(24, 2)).round(3)
    files: dict[str, bytes] = {}
    buffer = io.BytesIO()
    np.save(buffer, y)
    files["y.npy"] = buffer.getvalue()
    buffer = io.BytesIO()
    np.savez_compressed(buffer, y=y)
    files["y.npz"] = buffer.getvalue()
    buffer = io.BytesIO()
    np.save(buffer, rng.random((24, 3)))
    files["p.npy"] = buffer.getvalue()
    files["t.csv"] = ("f1,f2,label\n" + "".join(f"{a},{b},c{k}\n" for (a, b), k in zip(x, y))).encode()
    files["t.tsv"] = files["t.csv"].replace(b",", b"\t")
    files["y.jsonl"] = "".join(json.dumps({"labels": ["a", "b"][: 1 + k % 2]}) + "\n" for k in y).encode()
    files["y.txt"] = "".join(f"class{k}\n" for k in y).encode()
    files["y.arff"] = ("@relation r\n@attribute f numeric\n@attribute c {a,b,c}\n@data\n"
                       + "".join(f"{a},{'abc'[k]}\n" for (a, _), k in zip(x, y))).encode()
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"f1": x[:, 0], "f2": x[:, 1], "label": y}), folder / "t.parquet")
    files["t.parquet"] = (folder / "t.parquet").read_bytes()
    (folder / "t.parquet").unlink()
    return files


VALID = _valid_files(Path(tempfile.mkdtemp()))
SUFFIXES = sorted({Path(name).suffix for name in VALID} | {".py", ".ipynb"})


def _run(folder: Path, args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as done:
            main(args)
    finally:
        os.chdir(cwd)
    return done.value.code, out.getvalue(), err.getvalue()


def _check(folder: Path, inputs: set[str], code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err
    assert not RAW_CONTROL.search(err), err
    left = {str(p.relative_to(folder)) for p in folder.rglob("*")}
    assert not [name for name in left if name.endswith(".tmp")], left
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("lossmatch: error: "), err
        assert left == inputs, left - inputs  # nothing written for a refused input


def _bad_file(kind: str, data: bytes, cut: float) -> bytes:
    if kind == "random":
        return data
    valid = VALID[kind]
    return valid[: int(len(valid) * cut)]


files = st.one_of(
    st.tuples(st.just("random"), st.binary(max_size=300), st.just(0.0), st.sampled_from(SUFFIXES)),
    st.tuples(st.sampled_from(sorted(VALID)), st.just(b""), st.floats(0.0, 0.99), st.just("")),
)


def _write(folder: Path, name: str, spec) -> str:
    kind, data, cut, suffix = spec
    filename = f"{name}{suffix or Path(kind).suffix}"
    (folder / filename).write_bytes(_bad_file(kind, data, cut))
    return filename


def _with_files(test):
    """Run ``test(folder, write)`` in a fresh folder; ``write(name, spec)`` puts a bad file there."""
    def run(*specs):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            test(folder, lambda name, spec: _write(folder, name, spec), *specs)
    return run


@FUZZ
@given(files)
def test_advise_bad_files(spec):
    @_with_files
    def case(folder, write, spec):
        name = write("labels", spec)
        _check(folder, {name}, *_run(folder, ["advise", name]))
    case(spec)


@FUZZ
@given(files, st.booleans())
def test_score_bad_files(spec, as_predictions):
    @_with_files
    def case(folder, write, spec):
        (folder / "p.npy").write_bytes(VALID["p.npy"])
        (folder / "y.npy").write_bytes(VALID["y.npy"])
        name = write("bad", spec)
        args = ["score", name, "y.npy"] if as_predictions else ["score", "p.npy", name]
        _check(folder, {name, "p.npy", "y.npy"}, *_run(folder, [*args, "--plot", "r.png"]))
    case(spec)


@FUZZ
@given(files, st.booleans())
def test_compare_bad_files(spec, as_labels):
    @_with_files
    def case(folder, write, spec):
        name = write("bad", spec)
        inputs = {name}
        args = [name]
        if as_labels:
            (folder / "x.npy").write_bytes(VALID["p.npy"])
            inputs.add("x.npy")
            args = ["x.npy", "--labels", name]
        _check(folder, inputs, *_run(folder, ["compare", *args, *TINY_COMPARE, "--out", "out"]))
    case(spec)


@FUZZ
@given(files, st.booleans())
def test_audit_bad_files(spec, strict):
    @_with_files
    def case(folder, write, spec):
        name = write("code", spec)
        code, out, err = _run(folder, ["audit", name, *(["--strict"] if strict else [])])
        assert code in (0, 1, 2) and "Traceback" not in err and not RAW_CONTROL.search(err)
        assert err.splitlines()[-1].startswith(("0 findings", "1 finding", "2 findings", "3 findings"))
    case(spec)


# ------------------------------------------------------------------------------------------- option values
def _text(exclude: str = "") -> st.SearchStrategy[str]:
    alphabet = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
    return st.text(alphabet, min_size=1, max_size=12).filter(lambda s: s.strip() and s.strip() not in exclude.split())


def _not_number() -> st.SearchStrategy[str]:
    def is_number(text: str) -> bool:
        try:
            float(text)
        except ValueError:
            return False
        return True
    return _text().filter(lambda s: not is_number(s))


def _ints(low: int, high: int) -> st.SearchStrategy[str]:
    """Integers outside [low, high], or not integers at all."""
    outside = st.one_of(st.integers(max_value=low - 1), st.integers(min_value=high + 1))
    return st.one_of(outside.map(str), _not_number(), st.floats(allow_nan=False).filter(lambda v: v != int(v) if
                                                                                          abs(v) < 1e300 else True).map(repr))


def _floats(low: float, high: float, *, closed_low: bool = False) -> st.SearchStrategy[str]:
    """Numbers outside the interval, NaN, infinities, or text."""
    below = st.floats(max_value=low, exclude_max=closed_low, allow_nan=False)
    return st.one_of(below.map(repr), st.floats(min_value=high, allow_nan=False).map(repr),
                     st.sampled_from(["nan", "inf", "-inf", "1e999"]), _not_number())


def _not_rules() -> st.SearchStrategy[str]:
    """Text that is not a list of rule IDs or prefixes (``L`` and ``lm0`` are prefixes of rule IDs)."""
    from lossmatch.audit import RULES

    def names_rules(text: str) -> bool:
        parts = [p.strip().upper() for p in text.split(",") if p.strip()]
        return all(any(rule.startswith(p) for rule in RULES) for p in parts)
    return _text().filter(lambda s: not names_rules(s))


BAD_OPTIONS = {
    "compare": {
        "--epochs": _ints(1, 100_000), "--seeds": _ints(2, 1000), "--batch-size": _ints(1, 1_000_000),
        "--early-stopping": _ints(0, 100_000), "--models-per-task": _ints(1, 100_000),
        "--lr": _floats(0, 10), "--label-smoothing": _floats(0, 1, closed_low=True),
        "--validation-split": _floats(0, 1), "--hidden": st.one_of(_ints(0, 8192), st.just("64,-1"), st.just("1" * 30)),
        "--engine": _text("batched sequential"), "--executor": _text("local ray"), "--pairings": _text(),
        "--grid": _text(), "--suite": _text("mulan"),
    },
    "score": {"--threshold": _floats(0, 1), "--input-kind": _text("auto logits probs log_probs"),
              "--task": _text("binary multiclass multilabel"), "--format": _text("text json")},
    "advise": {"--model-activation": _text("sigmoid softmax linear"), "--format": _text("text json"),
               "--num-classes": _not_number(), "--model-units": _not_number(), "--labels-last": _not_number()},
    "audit": {"--jobs": _ints(1, 1024), "--format": _text("text json sarif"), "--select": _not_rules(),
              "--ignore": _not_rules()},
    "losses": {"--format": _text("text json")},
}


def _bad_option(command: str):
    return st.sampled_from(sorted(BAD_OPTIONS[command])).flatmap(
        lambda option: st.tuples(st.just(option), BAD_OPTIONS[command][option]))


def _usage_case(command: str, option: str, value: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = {"y.npy", "p.npy", "code.py"}
        (folder / "y.npy").write_bytes(VALID["y.npy"])
        (folder / "p.npy").write_bytes(VALID["p.npy"])
        (folder / "code.py").write_text("import torch\n")
        args = {"compare": ["compare", "breast_cancer", "--out", "out"], "score": ["score", "p.npy", "y.npy"],
                "advise": ["advise", "y.npy"], "audit": ["audit", "code.py"], "losses": ["losses"]}[command]
        code, out, err = _run(folder, [*args, f"{option}={value}"])
        _check(folder, inputs, code, out, err)
        assert code == 2, f"{command} {option}={value!r} was accepted"
        assert option in err or "Expected" in err, err


@pytest.mark.parametrize("command", sorted(BAD_OPTIONS))
def test_invalid_option_values_are_refused_in_one_line(command):
    @FUZZ
    @given(_bad_option(command))
    def case(option_value):
        _usage_case(command, *option_value)
    case()
