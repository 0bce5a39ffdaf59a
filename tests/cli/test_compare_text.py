"""compare's terminal output: tables within 80 columns, the legend and the verdict sentences, --quiet, progress in
a log and on a terminal, the words while Ray starts, --column and --labels alike."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from lossmatch.cli._progress import BarProgress, LogProgress
from lossmatch.cli.compare import render_text

FAST = ["--seeds", "2", "--epochs", "2", "--hidden", "8"]


def _run(*args, columns="80", cwd=None):
    env = {**os.environ, "COLUMNS": columns}
    env.pop("LOSSMATCH_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "lossmatch", "compare", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module")
def result():
    import lossmatch

    return lossmatch.compare(["breast_cancer", "emotions"], seeds=2, epochs=2, hidden=(8,), report=False,
                             pairings=["softmax+cce", "sigmoid+bce", "softmax+bce", "sigmoid+cce", "linear+hinge"])


@pytest.mark.parametrize("width", [80, 60])
def test_every_line_fits_the_width_and_every_metric_is_shown(result, width):
    text = render_text(result, width)
    assert max(len(line) for line in text.splitlines()) <= width
    for dataset, metrics in (("breast_cancer", ("top1_accuracy", "binary_accuracy", "f1_macro", "log_loss")),
                             ("emotions", ("f1_micro", "exact_match", "hamming_loss", "binary_accuracy"))):
        block = text.split(f"{dataset} (")[1].split("\n", 1)[1].split("\nemotions (")[0].split("\nmean +-")[0]
        headers = [line.split() for line in block.splitlines() if line.startswith("  pairing")]
        assert [m for row in headers for m in row[1:]] == list(metrics)
        assert len(headers) == (2 if width == 80 else 4)  # two blocks of two metric columns, or one column each


def test_a_wide_terminal_gets_one_row_per_pairing(result):
    text = render_text(result, 160)
    rows = [line for line in text.splitlines() if line.startswith("  softmax+bce")]
    assert len(rows) == 2  # one per dataset, all four metrics on the line
    hinge = [line for line in text.splitlines() if line.startswith("  linear+hinge")]
    assert [line.count("not defined") for line in hinge] == [2, 1]  # binary accuracy and log loss; emotions' binary accuracy


def test_cells_show_mean_half_interval_and_verdict(result):
    text = render_text(result, 80)
    cell = next(s for s in result.summary if (s["dataset"], s["pairing"], s["metric"]) == ("emotions", "softmax+cce", "f1_micro"))
    verdict = next(v for v in result.verdicts if (v["dataset"], v["pairing"], v["metric"]) == ("emotions", "softmax+cce", "f1_micro"))
    shown = f"{cell['mean']:.3f} +-{(cell['ci_high'] - cell['ci_low']) / 2:.3f} {verdict['verdict']}"
    row = next(line for line in text.split("emotions (")[1].splitlines() if line.startswith("  softmax+cce"))
    assert shown in row
    base = next(line for line in text.split("emotions (")[1].splitlines() if line.startswith("  sigmoid+bce"))
    assert base.split()[-1] == "base"


def test_a_legend_then_the_verdict_sentences_then_what_each_pairing_does(result):
    text = render_text(result, 80)
    flat = " ".join(text.split())
    assert "mean +-half-width of its 95% t interval over 2 seeds; base: the matched pairing" in flat
    assert "worse/better: beyond the interval and the metric's margin, same: within +-margin, otherwise inconclusive" in flat
    assert flat.index("95% t interval over 2 seeds") < flat.index("verdicts on each dataset's main metric:")
    for v in result.verdicts:
        main = "top1_accuracy" if v["dataset"] == "breast_cancer" else "f1_micro"
        head = " ".join(v["explanation"].split(". ")[0].split())
        assert (head in flat) == (v["metric"] == main), head
    # what a pairing does to the outputs is said once per pairing and kind of task, not under every verdict
    assert flat.count("BCE on softmax outputs scores each output as its own yes/no") == 2  # single- and multi-label
    assert flat.count("CCE on sigmoid outputs divides them by their sum") == 1


def test_quiet_is_the_verdict_sentences_alone(result):
    quiet = render_text(result, 80, quiet=True)
    assert "pairing" not in quiet.split("\n")[0] and "+-half-width" not in quiet and "  softmax+cce  " not in quiet
    assert quiet.splitlines()[0] == "breast_cancer, top1_accuracy:"
    assert sum(line.startswith("- ") for line in quiet.splitlines()) == 2 * 4  # 4 mismatched pairings per dataset


def test_the_cli_at_80_columns_and_in_a_log(tmp_path):
    done = _run("breast_cancer", "emotions", *FAST, "--out", str(tmp_path / "r"), "--no-report")
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "verdicts on each dataset's main metric:" in done.stdout and "emotions, f1_micro:" in done.stdout
    log = [line for line in done.stderr.splitlines() if "models" in line]
    assert log[0] == "lossmatch: training 16 models (2 tasks)"
    assert log[-1].startswith("lossmatch: 16/16 models (task 2/2, emotions) in ")
    # stderr is no terminal here: progress and warnings are a line each, however long (a log is read by line)
    assert len(log) == 3 and not any("\x1b" in line for line in done.stderr.splitlines())
    assert done.stderr.splitlines()[-1] == f"wrote {tmp_path / 'r' / 'results.json'}"


def test_quiet_prints_only_verdicts_and_no_progress(tmp_path):
    done = _run("breast_cancer", *FAST, "--out", str(tmp_path / "r"), "--no-report", "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "breast_cancer, top1_accuracy:" and "pairing" not in done.stdout
    # two seeds: the warning stays (it says how far to trust the verdicts), nothing else does
    assert [line.split(":")[1].strip() for line in done.stderr.splitlines()] == ["warning"]
    assert json.loads((tmp_path / "r" / "results.json").read_text())["verdicts"]


def test_log_progress_writes_at_most_a_line_per_interval_and_always_the_last():
    now = [0.0]
    stream = io.StringIO()
    log = LogProgress(stream, clock=lambda: now[0], every=5.0)
    log.update(0, 40, "10 tasks")
    for task in range(1, 11):
        now[0] = task * 1.5  # a task every 1.5 s: 15 s in all
        log.update(4 * task, 40, f"task {task}/10, digits")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "lossmatch: training 40 models (10 tasks)"
    assert lines[1] == "lossmatch: 4/40 models (task 1/10, digits) in 2 s, 2.7 models/s, about 14 s left"
    assert [line.split()[1] for line in lines[1:]] == ["4/40", "16/40", "28/40", "40/40"]  # 1.5 s, 6 s, 10.5 s, the last
    assert lines[-1] == "lossmatch: 40/40 models (task 10/10, digits) in 15 s"
    log.status("starting Ray (a local instance with 2 CPUs) ...")
    assert stream.getvalue().splitlines()[-1] == "lossmatch: starting Ray (a local instance with 2 CPUs) ..."


def test_log_progress_escapes_control_characters_of_dataset_names():
    stream = io.StringIO()
    LogProgress(stream, clock=lambda: 1.0).update(2, 2, "task 1/1, evil\x1b[2Jname")
    assert "\x1b" not in stream.getvalue() and len(stream.getvalue().splitlines()) == 1


@pytest.mark.parametrize("width", [80, 50])
def test_the_bar_fits_the_terminal_and_keeps_its_numbers(width):
    from rich.console import Console

    now = [0.0]
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=width, color_system=None)
    bar = BarProgress(console, clock=lambda: now[0])
    bar.update(0, 180, "3 tasks")
    now[0] = 10.0
    bar.update(60, 180, "task 1/3, a_dataset_with_a_long_name lr=0.001 hidden=128x128")
    bar._bar.refresh()
    frame = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue().replace("\r", "\n").splitlines()[-1])
    bar.close()
    assert len(frame) <= width, frame
    assert "60/180" in frame and "6.0 models/s ETA 20 s" in frame and "…" in frame


def test_ray_says_it_is_starting_before_it_starts():
    from lossmatch.comparison.distributed import RayExecutor

    said = []

    class FakeRay:
        def is_initialized(self):
            return False

        def init(self, **options):
            said.append(f"init {options.get('address', 'local')}")

    assert RayExecutor(num_cpus=2, status=said.append)._connect(FakeRay())
    assert said == ["starting Ray (a local instance with 2 CPUs) ...", "init local"]
    said.clear()
    RayExecutor("ray://head:10001", status=said.append)._connect(FakeRay())
    assert said == ["connecting to Ray at ray://head:10001 ...", "init ray://head:10001"]


def test_column_and_labels_name_the_same_label_column(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 3))
    rows = ["a,b,c,kind", *(f"{p:.4f},{q:.4f},{r:.4f},{'yes' if p + q > 0 else 'no'}" for p, q, r in x)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    documents = []
    for flag in ("--column", "--labels"):
        done = _run("t.csv", flag, "kind", *FAST, "--pairings", "softmax+cce,sigmoid+bce", "--out", str(tmp_path / flag),
                    "--no-report", "--json", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        documents.append(json.loads(done.stdout))
    assert documents[0]["summary"] == documents[1]["summary"] and documents[0]["summary"]
    both = _run("t.csv", "--column", "kind", "--labels", "kind", *FAST, "--out", str(tmp_path / "both"), cwd=tmp_path)
    assert both.returncode == 2 and both.stderr.strip().splitlines() == [
        "lossmatch: error: Expected `labels` to come from --labels FILE or --column NAME, but got both."]
