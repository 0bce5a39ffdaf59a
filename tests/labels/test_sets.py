"""Label sets found in strings without being told: a golden table of look-alikes, and the splitting rules."""

from __future__ import annotations

import random

import numpy as np
import pytest

from lossmatch.errors import DataError
from lossmatch.labels import encode, infer
from lossmatch.labels._sets import LIST_SYNTAX, WHITESPACE, detect, split_values


def _tag_sets(vocabulary, n, sep, *, sort=True, most=3, empty=0.0, seed=0):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if rng.random() < empty:
            out.append("")
            continue
        tags = rng.sample(vocabulary, rng.randint(1, most))
        out.append(sep.join(sorted(tags) if sort else tags))
    return out


def _choices(values, n, seed=0):
    return random.Random(seed).choices(values, k=n)


_rng = random.Random(3)
CASES = [  # (name, values, separator or None, confident)
    ("pipe tags with empty rows", _tag_sets(["art", "news", "sport", "tech"], 200, "|", empty=0.15), "|", True),
    ("semicolons, any order", _tag_sets(list("abcdefgh"), 100, ";", sort=False), ";", True),
    ("comma-space genres", _tag_sets(["Action", "Comedy", "Drama", "Sci-Fi", "Horror"], 150, ", "), ",", True),
    ("space-separated tags (Planet-style)", _tag_sets("clear haze primary water road agriculture cloudy habitation "
                                                      "cultivation partly_cloudy bare_ground".split(), 300, " ", most=4),
     WHITESPACE, True),
    ("integer label ids", _tag_sets([str(i) for i in range(1, 30)], 200, ",", most=4), ",", True),
    ("python list reprs", [str(_rng.sample(["a", "b", "c", "d"], _rng.randint(0, 3))) for _ in range(50)], LIST_SYNTAX, True),
    ("json lists in a column", ['["x", "y"]', '["y"]', '[]', '["x"]'] * 5, LIST_SYNTAX, True),
    ("few multi-label rows", ["a"] * 40 + ["b"] * 40 + ["a|b"] * 3, "|", False),
    ("city names", _choices(["New York", "Los Angeles", "San Francisco", "Boston", "Chicago", "New Orleans",
                             "New Jersey", "Las Vegas"], 200), None, False),
    ("surname, initial", [f"{s}, {i}." for s, i in zip(_choices(["Smith", "Doe", "Brown", "Lee", "Khan", "Garcia"], 100),
                                                        _choices(list("JAKMR"), 100, seed=1))], None, False),
    ("decimal commas", [f"{random.Random(i).uniform(0, 20):.2f}".replace(".", ",") for i in range(100)], None, False),
    ("decimal commas with thousands", ["1.234,5", "12,75", "0,05", "3", "2.000,25"] * 10, None, False),
    ("free text", [" ".join(random.Random(i).choices("the a cat dog sat on mat ran fast slow big small and with happy "
                                                      "sad today it was very".split(), k=4 + i % 9)) for i in range(100)],
     None, False),
    ("ordinal phrases", _choices(["very good", "good", "not good", "very bad", "bad", "not bad", "ok"], 200), None, False),
    ("category paths", _choices(["Electronics|Phones|Android", "Electronics|Phones|iPhone", "Electronics|Laptops",
                                 "Home|Kitchen", "Home|Garden|Tools"], 100), None, False),
    ("one class with a space", _choices(["cat", "dog", "guinea pig", "bird"], 100), None, False),
    ("product titles", [" ".join(t) for t in zip(_choices(["red", "blue", "green"], 100),
                                                 _choices(["cotton", "wool"], 100, seed=1),
                                                 _choices(["shirt", "scarf", "hat"], 100, seed=2))], None, False),
    ("job titles", _choices(["Senior Data Scientist", "Data Scientist", "Senior Engineer", "Data Engineer",
                             "Junior Data Engineer", "Lead Engineer", "Engineer"], 100), None, False),
    ("plain classes", _choices(["cat", "dog", "bird"], 60), None, True),
]


@pytest.mark.parametrize(("name", "values", "sep", "confident"), CASES, ids=[c[0] for c in CASES])
def test_detect_golden_table(name, values, sep, confident):
    guess = detect(values)
    assert (guess.sep, guess.confident) == (sep, confident)
    if sep is None and any(v.split()[1:] or "," in v or "|" in v for v in values):
        assert "--label-sep" in guess.evidence[0]  # a look-alike names the option that overrides the call
    if sep is not None and not confident:
        assert "guess" in guess.evidence[0] and "--no-split" in guess.evidence[0]


def test_evidence_names_the_separator_and_the_recombination():
    values = _tag_sets(["art", "news", "sport", "tech"], 200, "|")
    (line,) = detect(values).evidence
    assert "contain '|'" in line and "4 distinct labels recombine into" in line and "%" in line


@pytest.mark.parametrize(("values", "sep", "expected"), [
    (["a|b", "", " c "], "|", [["a", "b"], [], ["c"]]),
    (["a  b", "c\td"], WHITESPACE, [["a", "b"], ["c", "d"]]),
    (["3,17", "5"], ",", [[3, 17], [5]]),
    (["['a', 'b']", "[]", '["c"]'], LIST_SYNTAX, [["a", "b"], [], ["c"]]),
])
def test_split_values(values, sep, expected):
    assert split_values(values, sep) == expected


def test_list_syntax_never_evaluates_code():
    with pytest.raises(DataError, match="row 2"):
        split_values(["['a']", "[__import__('os').system('true')]"], LIST_SYNTAX)


def test_infer_detects_sets_and_encode_splits_alike():
    values = np.array(_tag_sets(["art", "news", "sport", "tech"], 120, "|", empty=0.1))
    report = infer(values)
    assert (report.task, report.encoding, report.classes, report.label_sep) == (
        "multilabel", "delimited", ("art", "news", "sport", "tech"), "|")
    y = encode(values, report)
    assert y.shape == (120, 4) and y.sum(axis=1).tolist() == [len(v.split("|")) if v else 0 for v in values]
    assert any("empty value(s): rows with no labels" in line for line in report.evidence)


def test_no_split_and_empty_values_in_single_label_data():
    values = _tag_sets(["art", "news", "sport", "tech"], 120, "|")
    report = infer(values, no_split=True)
    assert report.task == "multiclass" and report.n_classes > 4
    with pytest.raises(DataError, match=r"2 empty value\(s\) in rows 2, 4"):
        infer(["cat", "", "dog", " ", "cat"])
    with pytest.raises(DataError, match="not both"):
        infer(values, label_sep="|", no_split=True)


def test_integer_sets_get_integer_classes_in_numeric_order():
    report = infer(["1,10", "2", "10,2", "1", "2,1", "10"] * 3)
    assert report.classes == (1, 2, 10) and report.task == "multilabel"
    assert report.label_sep_guessed and any("decimal commas" in line for line in report.evidence)
    three_parts = infer(["1,10,3", "2", "10,2", "1", "2,1", "3,1"] * 3)  # a value with three parts is no number
    assert three_parts.task == "multilabel" and not any("decimal" in line for line in three_parts.evidence)
    assert encode(["10", "1,2"], report).tolist() == [[0, 0, 1], [1, 1, 0]]


def test_pandas_nan_in_a_tag_column_is_an_empty_set():
    values = np.array(["a|b", None, "b", float("nan"), "a", "a|b", "b|a"] * 3, dtype=object)
    report = infer(values)
    assert report.task == "multilabel" and encode(values, report)[1].tolist() == [0, 0]


def test_blank_lines_of_a_text_file_are_rows(tmp_path):
    from lossmatch.labels import advise, read_labels

    (tmp_path / "numbers.txt").write_text("1\n\n2\n1\n")
    assert read_labels(tmp_path / "numbers.txt").tolist() == ["1", "", "2", "1"]
    with pytest.raises(DataError, match=r"1 empty value\(s\) in row 2"):
        advise(tmp_path / "numbers.txt")
    (tmp_path / "sets.txt").write_text("1,3\n\n2\n3,1\n1\n2,3\n")
    report = advise(tmp_path / "sets.txt", label_sep=",")
    assert (report.task, report.classes, report.encoding) == ("multilabel", (1, 2, 3), "delimited")


def test_a_stated_separator_makes_empty_values_empty_sets():
    report = infer(["a", "", "b", "a"], label_sep="|")
    assert (report.task, report.encoding) == ("multilabel", "delimited")
    assert encode(["a", "", "b"], report).tolist() == [[1, 0], [0, 0], [0, 1]]
    assert infer(["a", "b", "a"], label_sep="|").task == "binary"  # no separator and no empty value: one class each
