"""Realistic label files (tests/labels/fixtures, written by make_fixtures.py) and what each must give.

Every row of the table is checked three ways where it applies: ``lossmatch.labels.advise`` in Python, the CLI
``lossmatch advise --format json``, ``lossmatch score`` reading the file as its labels, and compare's loader
(``load_dataset(features, labels=file)``) that builds the training targets from it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lossmatch.cli import main
from lossmatch.comparison.datasets import load_dataset
from lossmatch.labels import advise

FIXTURES = Path(__file__).parent / "fixtures"
BCE, SPARSE, CCE = ("binary_cross_entropy_with_logits", "sparse_categorical_cross_entropy_with_logits",
                    "categorical_cross_entropy_with_logits")

# file, extra CLI options, task, encoding, classes (or their number), loss, label_sep, evidence fragment,
# score and compare: does that command take these labels (False: it refuses them for a reason of its own)
TABLE = [
    ("kaggle_tags.csv", [], "multilabel", "delimited", ("art", "news", "sport", "tech"), BCE, "|",
     "contain '|'; 4 distinct labels recombine", True, True),
    ("planet_tags.csv", [], "multilabel", "delimited", ("agriculture", "clear", "cloudy", "habitation", "haze",
                                                        "primary", "road", "water"), BCE, " ", "tag lists", True, True),
    ("genres.tsv", [], "multilabel", "delimited", ("Action", "Comedy", "Drama", "Sci-Fi"), BCE, ";",
     "column 'title' is left out", True, True),
    ("colours.txt", [], "multilabel", "delimited", ("blue", "green", "red"), BCE, ",",
     "rows with no labels", True, True),
    ("list_repr.csv", [], "multilabel", "label_sets", ("a", "b", "c", "d"), BCE, "[list]", "list literal", True, True),
    ("genres.jsonl", [], "multilabel", "label_sets", ("action", "comedy", "drama", "horror", "romance"), BCE, None,
     "each row is a list of labels", True, True),
    ("onehot_with_id.csv", [], "multiclass", "one_hot", ("cat", "dog", "bird"), CCE, None,
     "column 'id' is left out", True, True),
    ("multihot_with_id.csv", [], "multilabel", "multi_hot", ("indoor", "outdoor", "people", "night"), BCE, None,
     "column 'sample_id' is left out", True, True),
    ("one_based.txt", [], "multiclass", "index", (1, 2, 3, 4, 5), SPARSE, None, "1-based", False, True),
    ("floats01.csv", [], "binary", "index", (0, 1), BCE, None, "binary (2 classes)", True, True),
    ("soft_labels.npy", [], "multiclass", "soft", 3, CCE, None, "soft multiclass targets", False, False),
    ("signed.txt", [], "binary", "signed_binary", (-1, 1), BCE, None, "{-1, 1}", True, True),
    ("rare_binary.csv", [], "binary", "index", (0, 1), BCE, None, "binary (2 classes)", True, True),
    ("cities.csv", [], "multiclass", "string", 8, SPARSE, None, "'New' is always part 1", True, True),
    ("authors.csv", [], "multiclass", "string", 25, SPARSE, None, "keep their places", True, True),
    ("reviews.csv", [], "multiclass", "string", 40, SPARSE, None, "read as text, not label sets", True, True),
    ("cities.csv", ["--label-sep", " "], "multilabel", "delimited", 12, BCE, " ", "as asked", True, True),
    ("kaggle_tags.csv", ["--no-split", "--column", "tags"], None, None, None, None, None,
     "empty value(s) in rows", False, False),
    ("empty_single.csv", [], None, None, None, None, None, "1 empty value(s) in row 3 (row 1 is the first label", False,
     False),
    ("order_ids.csv", [], "multiclass", "string", 30, SPARSE, None, "every one of the 30 rows has its own value", True,
     True),
]
IDS = [f"{row[0]}{'[' + ' '.join(row[1]) + ']' if row[1] else ''}" for row in TABLE]


def _options(cli: list[str]) -> dict:
    options = {}
    if "--label-sep" in cli:
        options["label_sep"] = cli[cli.index("--label-sep") + 1]
    if "--no-split" in cli:
        options["no_split"] = True
    if "--column" in cli:
        options["column"] = cli[cli.index("--column") + 1]
    return options


def _run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main([*map(str, args)])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def _check(doc: dict, task, encoding, classes, loss, sep, fragment):
    assert (doc["task"], doc["encoding"], doc["recommendation"]["loss"]) == (task, encoding, loss)
    if isinstance(classes, int):
        assert doc["n_classes"] == classes
    else:
        assert tuple(doc["classes"]) == classes and doc["n_classes"] == len(classes)
    assert doc["label_sep"] == sep and doc["label_sep_guessed"] is False
    assert doc["recommendation"]["output_units"] == (1 if task == "binary" else doc["n_classes"])
    assert any(fragment in line for line in doc["evidence"]), doc["evidence"]


@pytest.mark.parametrize(("name", "cli", "task", "encoding", "classes", "loss", "sep", "fragment", "scores", "compares"),
                         TABLE, ids=IDS)
def test_advise_python_and_cli(capsys, name, cli, task, encoding, classes, loss, sep, fragment, scores, compares):
    path = FIXTURES / name
    code, out, err = _run(capsys, "advise", path, *cli, "--format", "json")
    if task is None:  # the file must be refused, in one line that names the rows
        assert code == 2 and out == "" and fragment in err and err.count("\n") == 1
        return
    assert code == 0, err
    doc = json.loads(out)
    _check(doc, task, encoding, classes, loss, sep, fragment)
    assert advise(path, **_options(cli)).to_dict() == {k: v for k, v in doc.items() if k != "schema_version"}


def _scores(task: str, n_rows: int, n_classes: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    if task == "binary":
        return rng.random(n_rows)
    scores = rng.random((n_rows, n_classes))
    return scores / scores.sum(axis=1, keepdims=True) if task == "multiclass" else scores


@pytest.mark.parametrize(("name", "cli", "task", "encoding", "classes", "loss", "sep", "fragment", "scores", "compares"),
                         [row for row in TABLE if row[8]], ids=[i for i, row in zip(IDS, TABLE) if row[8]])
def test_score_reads_the_labels_alike(capsys, tmp_path, name, cli, task, encoding, classes, loss, sep, fragment, scores,
                                      compares):
    report = advise(FIXTURES / name, **_options(cli))
    np.save(tmp_path / "p.npy", _scores(task, report.n_samples, report.n_classes))
    code, out, err = _run(capsys, "score", tmp_path / "p.npy", FIXTURES / name, *cli, "--input-kind", "probs",
                          "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["task"], doc["n_samples"], doc["n_classes"]) == (task, report.n_samples, report.n_classes)


@pytest.mark.filterwarnings("ignore:labels of .* has its own value")  # reviews, order_ids: the test below reads it
@pytest.mark.parametrize(("name", "cli", "task", "encoding", "classes", "loss", "sep", "fragment", "scores", "compares"),
                         [row for row in TABLE if row[9]], ids=[i for i, row in zip(IDS, TABLE) if row[9]])
def test_compare_builds_the_same_targets(tmp_path, name, cli, task, encoding, classes, loss, sep, fragment, scores,
                                         compares):
    report = advise(FIXTURES / name, **_options(cli))
    features = tmp_path / "x.npy"
    np.save(features, np.random.default_rng(0).normal(size=(report.n_samples, 3)))
    options = {k: v for k, v in _options(cli).items() if k != "column"}
    data = load_dataset(features, labels=FIXTURES / name, **options)
    assert (data.task, data.n_classes) == (task, report.n_classes)
    if task == "multilabel":
        assert data.label_names == tuple(map(str, report.classes))
        assert int(data.y_train.sum() + data.y_test.sum()) == int(sum(report.class_counts))


def test_soft_labels_are_refused_by_score_and_compare(capsys, tmp_path):
    np.save(tmp_path / "p.npy", _scores("multiclass", 40, 3))
    code, _, err = _run(capsys, "score", tmp_path / "p.npy", FIXTURES / "soft_labels.npy")
    assert code == 2 and "hard labels" in err
    np.save(tmp_path / "x.npy", np.zeros((40, 2)))
    with pytest.raises(ValueError, match="soft"):
        load_dataset(tmp_path / "x.npy", labels=FIXTURES / "soft_labels.npy")


def test_advise_text_for_rare_positives_and_one_based_labels():
    rare = advise(FIXTURES / "rare_binary.csv")
    assert rare.recommendation.metrics[0] == "average_precision" and rare.recommendation.pos_weight == 24.0
    assert any("1/(1 + 24.00) = 0.04" in note for note in rare.recommendation.notes)
    one_based = advise(FIXTURES / "one_based.txt").snippets
    assert "return y - 1" in one_based["pytorch"] and "return y - 1" in one_based["keras"]


def test_compare_cli_takes_label_sep_and_no_split(capsys, tmp_path):
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(60, 3)))
    base = ["compare", tmp_path / "x.npy", "--labels", FIXTURES / "kaggle_tags.csv", "--seeds", "2", "--epochs", "1",
            "--hidden", "4", "--no-report", "--pairings", "sigmoid+bce,softmax+cce", "--format", "json"]
    code, _, err = _run(capsys, *base, "--label-sep", "|", "--out", tmp_path / "a")
    assert code == 0, err
    results = json.loads((tmp_path / "a" / "results.json").read_text())
    assert [(d["task"], d["n_classes"]) for d in results["datasets"]] == [("multilabel", 4)]
    code, out, err = _run(capsys, *base, "--no-split", "--out", tmp_path / "b")
    assert code == 2 and out == "" and "empty value(s) in rows" in err


def test_score_and_compare_warn_when_the_split_is_a_guess(capsys, tmp_path):
    (tmp_path / "few.csv").write_text("y\n" + "a\nb\n" * 20 + "a|b\n" * 2)
    report = advise(tmp_path / "few.csv")
    assert report.label_sep_guessed and report.task == "multilabel"
    np.save(tmp_path / "p.npy", _scores("multilabel", report.n_samples, 2))
    code, _, err = _run(capsys, "score", tmp_path / "p.npy", tmp_path / "few.csv", "--input-kind", "probs")
    assert code == 0 and "lossmatch: warning: labels of 'few.csv'" in err and "--no-split" in err
    np.save(tmp_path / "x.npy", np.zeros((report.n_samples, 2)))
    with pytest.warns(UserWarning, match="a guess; pass --no-split"):
        load_dataset(tmp_path / "x.npy", labels=tmp_path / "few.csv")
    assert load_dataset(tmp_path / "x.npy", labels=tmp_path / "few.csv", no_split=True).task == "multiclass"


def test_compare_reads_a_tags_column_of_a_feature_table(tmp_path):
    rows = (FIXTURES / "kaggle_tags.csv").read_text().splitlines()[1:]
    rng = np.random.default_rng(0)
    (tmp_path / "table.csv").write_text("f1,f2,tags\n" + "".join(
        f"{rng.normal():.3f},{rng.normal():.3f},{row.split(',', 1)[1]}\n" for row in rows))
    data = load_dataset(tmp_path / "table.csv")
    assert (data.task, data.label_names) == ("multilabel", ("art", "news", "sport", "tech"))
    assert data.feature_names == ("f1", "f2") and len(data.y_train) + len(data.y_test) == 60


def test_a_column_of_identifiers_is_said_to_be_one_by_every_command(capsys, tmp_path):
    """Order numbers, every row its own value: advise's first note says so, score and compare warn."""
    report = advise(FIXTURES / "order_ids.csv")
    assert report.recommendation.notes[0].startswith("Every one of the 30 rows has a label of its own")
    np.save(tmp_path / "p.npy", _scores("multiclass", 30, 30))
    code, _, err = _run(capsys, "score", tmp_path / "p.npy", FIXTURES / "order_ids.csv", "--input-kind", "probs")
    assert code == 0 and "lossmatch: warning: labels of 'order_ids.csv': every one of the 30 rows" in err
    np.save(tmp_path / "x.npy", np.zeros((30, 2)))
    with pytest.warns(UserWarning, match="every one of the 30 rows has its own value"):
        load_dataset(tmp_path / "x.npy", labels=FIXTURES / "order_ids.csv")
    assert not any("its own" in note for note in advise(FIXTURES / "cities.csv").recommendation.notes)
