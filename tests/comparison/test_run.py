"""compare end to end: stats, results.json, resume, the HTML report (escaped, rendered in Chromium)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats as scipy_stats

import lossmatch
from lossmatch.comparison.engine import RunResult
from lossmatch.comparison.stats import summarise, t_interval, verdicts
from lossmatch.errors import ConfigError

FAST = dict(seeds=2, epochs=2, hidden=(8,))


def _run(dataset, pairing, seed, **metrics):
    return RunResult(dataset, pairing, seed, metrics, {}, {}, None, 3, {}, "batched", 0.0)


def test_t_interval_and_verdict_directions():
    mean, low, high = t_interval([1.0, 2.0, 3.0])
    half = scipy_stats.t.ppf(0.975, 2) * 1.0 / np.sqrt(3)
    assert (mean, low, high) == pytest.approx((2.0, 2.0 - half, 2.0 + half))
    runs = []
    for seed, (base, other) in enumerate([(0.80, 0.60), (0.82, 0.61), (0.81, 0.63)]):
        runs += [_run("d", "softmax+cce", seed, top1_accuracy=base, log_loss=1 - base),
                 _run("d", "sigmoid+cce", seed, top1_accuracy=other, log_loss=1 - other),
                 _run("d", "softmax+bce", seed, top1_accuracy=base + (0.01 if seed % 2 else -0.01), log_loss=1 - base),
                 _run("d", "sigmoid+bce", seed, top1_accuracy=base + (0.001 if seed % 2 else -0.001), log_loss=1 - base)]
    found = {(v["pairing"], v["metric"]): v for v in verdicts(runs, {"d": "multiclass"}, {"d": 3})}
    assert found[("sigmoid+cce", "top1_accuracy")]["verdict"] == "worse"
    assert found[("sigmoid+cce", "log_loss")]["verdict"] == "worse"  # higher loss is worse
    # +-0.01 noise over 3 seeds: the interval includes 0 but reaches beyond the 0.01 margin
    assert found[("softmax+bce", "top1_accuracy")]["verdict"] == "inconclusive"
    assert found[("sigmoid+bce", "top1_accuracy")]["verdict"] == "same"  # +-0.001: the interval lies inside +-0.01
    assert found[("softmax+bce", "log_loss")]["verdict"] == "same"  # identical values: a zero-width interval at 0
    assert found[("sigmoid+cce", "top1_accuracy")]["delta"] == pytest.approx(np.mean([-0.20, -0.21, -0.18]))
    assert {s["n"] for s in summarise(runs)} == {3}


def test_compare_writes_results_runs_and_report(tmp_path):
    result = lossmatch.compare(["breast_cancer", "emotions"], out=tmp_path, **FAST)
    document = json.loads((tmp_path / "results.json").read_text())
    assert document["schema_version"] == 1
    assert set(document) == {"schema_version", "config", "datasets", "runs", "summary", "verdicts", "sweep", "warnings"}
    assert document["warnings"] and "2 seeds" in document["warnings"][0]  # FAST trains 2 seeds
    assert "equivalence" in document["config"]["verdict_rule"]
    assert document["config"]["margins"]["top1_accuracy"] == "0.01" and document["config"]["margins"]["log_loss"] == "5% (at least 0.005)"
    assert len(document["runs"]) == 2 * 4 * 2 == len(list((tmp_path / "runs").glob("*.json")))
    run = document["runs"][0]
    assert {"dataset", "pairing", "seed", "metrics", "history"} <= set(run) and len(run["history"]["loss"]) == 2
    verdict = document["verdicts"][0]
    assert {"dataset", "pairing", "baseline", "metric", "delta", "ci_low", "ci_high", "margin", "margin_rule", "seeds",
            "verdict", "explanation"} <= set(verdict)
    assert result.to_frame().shape[1] == 5
    assert (tmp_path / "report.html").stat().st_size > 10_000 and list((tmp_path / "figures").glob("*.png"))
    assert not list(tmp_path.rglob("*.tmp"))
    html = (tmp_path / "report.html").read_text()
    assert "same: the whole interval lies within +-margin (equivalence)" in html and "top1_accuracy 0.01" in html
    assert "Warning:</strong> 2 seeds" in html


def test_resume_skips_finished_runs_and_retrains_missing_ones(tmp_path):
    lossmatch.compare(["breast_cancer"], out=tmp_path, report=False, **FAST)
    runs_dir = tmp_path / "runs"
    removed = sorted(runs_dir.glob("*.json"))[0]
    removed.unlink()
    kept = {p.name: p.stat().st_mtime_ns for p in runs_dir.glob("*.json")}
    seen = []
    lossmatch.compare(["breast_cancer"], out=tmp_path, report=False, resume=True,
                      progress=lambda done, total, _: seen.append(total), **FAST)
    assert seen[-1] == 1 and removed.exists()
    assert {p.name: p.stat().st_mtime_ns for p in runs_dir.glob("*.json") if p.name in kept} == kept
    # a different configuration is not reused
    seen.clear()
    lossmatch.compare(["breast_cancer"], out=tmp_path, report=False, resume=True, progress=lambda d, t, _: seen.append(t),
                      seeds=2, epochs=3, hidden=(8,))
    assert seen[-1] == 8


def test_resume_removes_the_temporary_file_of_a_run_killed_between_write_and_rename(tmp_path):
    kill_at_rename = ("import os, signal\n"
                      "os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)\n"
                      "from lossmatch.cli import main\n"
                      f"main(['compare', 'breast_cancer', '--seeds', '2', '--epochs', '1', '--hidden', '4', "
                      f"'--pairings', 'softmax+cce', '--no-report', '--out', {str(tmp_path)!r}])\n")
    killed = subprocess.run([sys.executable, "-c", kill_at_rename], capture_output=True, timeout=300)
    assert killed.returncode == -9
    (stale,) = (tmp_path / "runs").iterdir()
    assert stale.name.startswith(".breast_cancer__softmax-cce__seed0.json.") and stale.suffix == ".tmp"
    others = [tmp_path / "runs" / name for name in ("notes.tmp", ".notes.tmp", "x.abcdefgh.tmp", ".x.abcdefgh.tmp.bak")]
    for other in others:
        other.write_text("the user's")
    lossmatch.compare(["breast_cancer"], pairings=["softmax+cce"], out=tmp_path, report=False, resume=True,
                      seeds=2, epochs=1, hidden=(4,))
    assert not stale.exists() and all(other.exists() for other in others)
    assert sorted(p.name for p in (tmp_path / "runs").glob("*.json")) == [
        "breast_cancer__softmax-cce__seed0.json", "breast_cancer__softmax-cce__seed1.json"]


def test_report_escapes_user_strings_and_renders(tmp_path):
    rows = ["f1,f2,label"] + [f"{i},{(i * 7) % 5},{'<script>alert(1)</script>' if i % 2 else 'ok&fine'}" for i in range(60)]
    (tmp_path / "evil<b>.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    lossmatch.compare([str(tmp_path / "evil<b>.csv")], out=out, **FAST)
    html = (out / "report.html").read_text()
    assert "<script>alert(1)</script>" not in html and "evil<b>" not in html and "evil&lt;b&gt;" in html
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    shot = tmp_path / "shot.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,1600",
                    f"--screenshot={shot}", (out / "report.html").as_uri()], check=True, capture_output=True, timeout=120)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float64)
    assert pixels.std() > 10 and (pixels < 128).mean() > 0.01  # text, tables and figures, not a blank page


@pytest.mark.parametrize("source", ["columns", "labels file"])
def test_label_names_from_columns_or_a_labels_file_are_escaped_and_never_break_a_figure(tmp_path, source):
    rng = np.random.default_rng(0)
    names = ["<script>alert(1)</script>", "$\\frac{$", "a&b"]
    x = rng.normal(size=(60, 2))
    y = (rng.random((60, 3)) < 0.5).astype(int)
    if source == "columns":
        header = ",".join(["f1", "f2", *(f'"{n}"' for n in names)])
        rows = [header] + [",".join([f"{a:.3f}", f"{b:.3f}", *map(str, t)]) for (a, b), t in zip(x, y)]
        (tmp_path / "t$1.csv").write_text("\n".join(rows) + "\n")
        spec, labels = tmp_path / "t$1.csv", ",".join(names)
    else:
        np.save(tmp_path / "x$1.npy", x)
        (tmp_path / "y.jsonl").write_text("".join(json.dumps([n for n, on in zip(names, t) if on]) + "\n" for t in y))
        spec, labels = tmp_path / "x$1.npy", tmp_path / "y.jsonl"
    out = tmp_path / "out"
    result = lossmatch.compare([str(spec)], labels=labels, out=out, **FAST)
    assert sorted(result.datasets[0]["label_names"]) == sorted(names)
    html = (out / "report.html").read_text()
    assert "<script>alert" not in html and (out / "figures").is_dir()


@pytest.mark.parametrize("kwargs, words", [
    (dict(datasets=["mnist"]), "bundled name"),
    (dict(pairings=["softmax+mae"]), "pairing name"),
    (dict(seeds=1), "intervals need two seeds"),
    (dict(engine="gpu"), "batched, sequential"),
    (dict(epochs=99999999999999999999), "`epochs` to be an integer in [1, 100000], but got 99999999999999999999"),
    (dict(seeds=10**20), "`seeds` to be an integer in [2, 1000]"),
    (dict(batch_size=10**12), "`batch_size` to be an integer in [1, 1000000]"),
    (dict(hidden=(10**6,)), "layer widths in [1, 8192]"),
    (dict(hidden=(8,) * 17), "at most 16 layer widths"),
    (dict(lr=float("nan")), "learning rate in (0, 10)"),
    (dict(label_smoothing=float("nan")), "`label_smoothing` to be in [0, 1)"),
    (dict(patience=10**9), "`patience` to be a number of epochs in [0, 100000]"),
    (dict(models_per_task=10**9), "`models_per_task` to be an integer in [1, 100000]"),
    (dict(epochs=True), "`epochs` to be an integer"),
])
def test_bad_configuration_is_one_line(kwargs, words):
    arguments = dict(datasets=["breast_cancer"], **FAST)
    arguments.update(kwargs)
    with pytest.raises(ConfigError, match=re.escape(words)):
        lossmatch.compare(arguments.pop("datasets"), **arguments)


def test_grid_expands_to_the_cartesian_product_in_order():
    from lossmatch.cli.compare import parse_grid
    from lossmatch.comparison.run import expand_grid, setting_label

    grid = parse_grid(["lr=1e-3,3e-3", "hidden=64,128x128", "label-smoothing=0,0.1"])
    assert grid == {"lr": [1e-3, 3e-3], "hidden": [(64,), (128, 128)], "label_smoothing": [0.0, 0.1]}
    settings = expand_grid(grid)
    assert len(settings) == 8 and settings[0] == {"lr": 1e-3, "hidden": (64,), "label_smoothing": 0.0}
    assert setting_label(settings[-1]) == "lr=0.003 hidden=128x128 label_smoothing=0.1"
    assert expand_grid(None) == [{}] and expand_grid({"lr": [0.1, 0.1]}) == [{"lr": 0.1}]


def test_resume_keeps_settings_apart(tmp_path):
    options = dict(pairings=["sigmoid+bce", "softmax+cce"], seeds=2, epochs=1, hidden=(4,), report=False, out=tmp_path)
    first = lossmatch.compare(["emotions"], grid={"lr": [1e-3]}, **options)
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}
    second = lossmatch.compare(["emotions"], grid={"lr": [1e-3, 3e-3]}, resume=True, **options)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}
    assert len(first.runs) == 4 and len(second.runs) == 8 and len(after) == 8
    assert all(after[name] == stamp for name, stamp in stamps.items())  # lr=0.001 runs were reused, not retrained
    assert [r.metrics for r in second.runs if r.setting == "lr=0.001"] == [r.metrics for r in first.runs]
