"""lossmatch compare on the command line: exit codes, JSON on stdout, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FAST = ["--seeds", "2", "--epochs", "2", "--hidden", "8"]


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "lossmatch", "compare", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_json_summary_and_files(tmp_path):
    done = _run("breast_cancer", *FAST, "--early-stopping", "1", "--validation-split", "0.2", "--out", str(tmp_path / "r"),
                "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert list(document)[0] == "schema_version" and document["verdicts"] and document["summary"]
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert results["config"]["patience"] == 1 and results["config"]["validation_split"] == 0.2
    assert all(1 <= run["extra"]["epochs_run"] <= 2 for run in results["runs"])
    assert (tmp_path / "r" / "report.html").exists() and (tmp_path / "r" / "results.json").exists()


def test_margins_reach_results_and_two_seeds_warn(tmp_path):
    done = _run("breast_cancer", *FAST, "--pairings", "softmax+cce,sigmoid+cce", "--margin", "accuracy=0.02",
                "--margin", "log_loss=10%", "--margin", "0.03", "--out", str(tmp_path / "r"), "--no-report", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    margins = document["margins"]
    assert margins["top1_accuracy"] == "0.02" and margins["log_loss"] == "10%" and margins["f1_macro"] == "0.03"
    assert "equivalence" in document["verdict_rule"]
    assert {v["verdict"] for v in document["verdicts"]} <= {"worse", "same", "better", "inconclusive"}
    assert next(v for v in document["verdicts"] if v["metric"] == "top1_accuracy")["margin"] == 0.02
    warning = [line for line in done.stderr.splitlines() if "unreliable" in line]
    assert len(warning) == 1 and warning[0].startswith("lossmatch: warning: 2 seeds")


def test_text_table_and_no_report(tmp_path):
    done = _run("emotions", *FAST, "--pairings", "sigmoid+bce,softmax+cce", "--out", str(tmp_path / "r"), "--no-report")
    assert done.returncode == 0, done.stderr
    assert "emotions (multilabel" in done.stdout and "softmax+cce" in done.stdout
    assert not (tmp_path / "r" / "report.html").exists()


@pytest.mark.parametrize("args, words", [
    (["mnist"], "bundled name"),
    (["breast_cancer", "--pairings", "softmax+mae"], "pairing name"),
    (["breast_cancer", "--seeds", "1"], "two seeds"),
    (["breast_cancer", "--hidden", "a,b"], "--hidden"),
    (["breast_cancer", "--early-stopping", "-1"], "patience"),
    (["breast_cancer", "--grid", "lr"], "KEY=V1,V2"),
    (["breast_cancer", "--grid", "momentum=0.9"], "hidden, epochs, batch_size, lr, label_smoothing, patience"),
    (["breast_cancer", "--grid", "epochs=a,b"], "list integers"),
    (["breast_cancer", "--grid", "lr=0.1", "--grid", "lr=0.2"], "each key once"),
    (["breast_cancer", "--grid", "lr=0,1e-3"], "learning rate"),
    (["--suite", "uci"], "one of mulan"),
    (["breast_cancer", "--executor", "spark"], "one of local, ray"),
    (["breast_cancer", "--executor", "ray", "--ray-address", "127.0.0.1:1"], "reach a running Ray cluster"),
    (["breast_cancer", "--executor", "ray", "--ray-address", "nonsense"], "HOST:PORT"),
    (["breast_cancer", "--validation-split", "1.5"], "validation_split"),
    (["missing.csv"], "no such file"),
    (["breast_cancer", "--threads", "0"], "`threads` to be an integer in [1, 1024]"),
    (["breast_cancer", "--margin", "acuracy=0.02"], "`margin key` to be a metric name, a family"),
    (["breast_cancer", "--margin", "accuracy=-1"], "`margin accuracy` to be a number >= 0"),
    (["breast_cancer", "--margin", "=0.02"], "KEY=VALUE or VALUE"),
    (["breast_cancer", "--margin", "0.1", "--margin", "0.2"], "each key once"),
    (["breast_cancer", "--seeds", "99999999999999999999"], "`seeds` to be an integer in [2, 1000]"),
    (["breast_cancer", "--hidden", "100000"], "layer widths in [1, 8192]"),
    (["breast_cancer", "--label-noise", "1.5"], "`label_noise` to be a share of training labels in [0, 1)"),
    (["breast_cancer", "--label-noise", "0.2", "--noise", "random"], "`noise` to be one of symmetric, pairflip"),
    (["cut.npz", "--labels", "y.npy"], "`features` to be a valid NPZ archive"),
    (["x.npy", "--labels", "cut.npz"], "`labels` to be a valid NPZ archive"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, words):
    import numpy as np

    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(20, 3)))
    np.save(tmp_path / "y.npy", np.arange(20) % 2)
    np.savez(tmp_path / "whole.npz", a=np.arange(20))
    (tmp_path / "cut.npz").write_bytes((tmp_path / "whole.npz").read_bytes()[:120])
    done = _run(*args, "--epochs", "1", "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_grid_sweep_text_and_results(tmp_path):
    done = _run("breast_cancer", "emotions", *FAST, "--pairings", "softmax+cce,sigmoid+bce", "--grid", "lr=1e-3,3e-3",
                "--grid", "hidden=8,4x4", "--out", str(tmp_path / "r"))
    assert done.returncode == 0, done.stderr
    for setting in ("lr=0.001 hidden=8", "lr=0.001 hidden=4x4", "lr=0.003 hidden=8", "lr=0.003 hidden=4x4"):
        assert f"== {setting}" in done.stdout
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert [s["hidden"] for s in results["config"]["settings"]] == [[8], [4, 4], [8], [4, 4]]
    assert len(results["runs"]) == 2 * 2 * 2 * 4 and len(list((tmp_path / "r" / "runs").glob("*.json"))) == 32
    sweep = results["sweep"]
    assert {row["setting"] for row in sweep} == {s["setting"] for s in results["config"]["settings"]}
    assert all(row["worse"] + row["same"] + row["better"] + row["inconclusive"] == row["datasets"] == len(row["deltas"])
               for row in sweep)
    # the matched pairing differs by task: sigmoid+bce is the mismatch on breast_cancer, softmax+cce on emotions
    assert {(row["pairing"], row["deltas"][0]["dataset"]) for row in sweep} == {("sigmoid+bce", "breast_cancer"),
                                                                                ("softmax+cce", "emotions")}
    html = (tmp_path / "r" / "report.html").read_text()
    assert "Sweep: mismatched vs matched" in html and "lr=0.003 hidden=4x4" in html
    assert (tmp_path / "r" / "figures" / "sweep_effects.png").exists()


def test_ray_executor_without_ray_names_the_extra(monkeypatch):
    from lossmatch.comparison.distributed import make_executor
    from lossmatch.errors import ConfigError

    monkeypatch.setitem(sys.modules, "ray", None)  # as if ray were not installed
    with pytest.raises(ConfigError, match=r"pip install 'lossmatch\[ray\]'"):
        make_executor("ray")


@pytest.mark.parametrize("out, words", [
    ("file", "Expected `--out` to be a writable directory, but got 'file', which is a file."),
    ("file/report", "Expected `--out` to be a writable directory, but got 'file/report', under the file 'file'."),
])
def test_unwritable_out_is_found_before_any_dataset_is_read(capsys, tmp_path, monkeypatch, out, words):
    import lossmatch.comparison.run as run
    from lossmatch.cli import main

    def no_work(*args, **kwargs):
        raise AssertionError("a dataset was read before --out was checked")

    monkeypatch.setattr(run, "load_dataset", no_work)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(SystemExit) as done:
        main(["compare", "digits", "--out", out])
    assert done.value.code == 2
    assert capsys.readouterr().err == f"lossmatch: error: {words}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_label_noise_and_the_alternative_pairings(tmp_path):
    done = _run("digits", *FAST, "--pairings", "softmax+cce,softmax+gce,softmax+sce,softmax+mse,linear+hinge",
                "--label-noise", "0.4", "--noise", "pairflip", "--out", str(tmp_path / "r"), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    hinge = {s["metric"]: s["mean"] for s in document["summary"] if s["pairing"] == "linear+hinge"}
    assert hinge["log_loss"] is None and hinge["ece"] is None and hinge["top1_accuracy"] > 0
    assert not [v for v in document["verdicts"] if v["pairing"] == "linear+hinge" and v["metric"] in ("log_loss", "ece")]
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert results["config"]["label_noise"] == 0.4 and results["config"]["noise"] == "pairflip"
    assert all(len(run["history"]["grad_norm"]) == 2 for run in results["runs"])
    html = (tmp_path / "r" / "report.html").read_text()
    assert "Trained on labels with 40% pairflip noise" in html and "softmax+cce" in html and "not defined" in html
    text = _run("digits", *FAST, "--pairings", "softmax+cce,linear+hinge", "--out", str(tmp_path / "t"), "--no-report")
    assert text.returncode == 0, text.stderr
    hinge_lines = [line for line in text.stdout.splitlines() if line.strip().startswith("linear+hinge")]
    # binary accuracy and log loss of the four columns (in two blocks where the terminal is narrow)
    assert sum(line.count("not defined") for line in hinge_lines) == 2


def test_a_label_caveat_is_one_warning_line_without_a_library_location(capsys, tmp_path):
    from lossmatch.cli import main

    (tmp_path / "ids.csv").write_text("x,z,label\n" + "\n".join(f"{i},{i % 3},order-{i}" for i in range(40)) + "\n")
    with pytest.raises(SystemExit) as done:
        main(["compare", str(tmp_path / "ids.csv"), *FAST, "--pairings", "softmax+cce,sigmoid+cce", "--no-report",
              "--out", str(tmp_path / "r"), "--json"])
    _, err = capsys.readouterr()
    assert done.value.code == 0, err
    caveat = [line for line in err.splitlines() if "labels of" in line]
    assert len(caveat) == 1 and caveat[0].startswith("lossmatch: warning: labels of ") and "every one of the 40 rows" in caveat[0]
    assert ".py" not in err and "UserWarning" not in err
