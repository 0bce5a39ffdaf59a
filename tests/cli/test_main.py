"""The entry point's error mapping: usage errors in one line of our format, control characters escaped."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lossmatch.cli import main


def _run(capsys, *args):
    with pytest.raises(SystemExit) as done:
        main([*map(str, args)])
    out, err = capsys.readouterr()
    return done.value.code, out, err


def _files(tmp_path):
    np.save(tmp_path / "p.npy", np.random.default_rng(0).random((6, 3)))
    np.save(tmp_path / "y.npy", np.array([0, 1, 2, 1, 0, 2]))
    return tmp_path


@pytest.mark.parametrize("args, words", [
    (["score", "p.npy", "y.npy", "--threshold", "abc"],
     "Invalid value for '--threshold': expected a number, but got 'abc' (see lossmatch score --help)"),
    (["compare", "--epochs", "1.5"], "Invalid value for '--epochs': expected an integer, but got '1.5'"),
    (["score", "p.npy", "y.npy", "--task", "regression"],
     "expected one of 'binary', 'multiclass', 'multilabel', but got 'regression'"),
    (["audit", "-j", "0", "x.py"], "expected a number >= 1, but got '0' (see lossmatch audit --help)"),
    (["audit", "--format", "xml", "x.py"], "expected one of 'text', 'json', 'sarif', but got 'xml'"),
    (["advise", "--bogus", "y.npy"], "No such option: --bogus (see lossmatch advise --help)"),
    (["score", "p.npy"], "Missing argument 'LABELS' (see lossmatch score --help)"),
    (["score", "p.npy", "y.npy", "extra"], "unexpected extra argument"),
    (["advise", "y.npy", "--num-classes"], "requires an argument"),
    (["nosuch"], "No such command 'nosuch' (see lossmatch --help)"),
    (["losses", "--format", "yaml"], "expected one of 'text', 'json', but got 'yaml'"),
])
def test_usage_errors_are_one_line_in_our_format(capsys, tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(_files(tmp_path))
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("lossmatch: error: ") and words in err
    assert "Usage:" not in err and "Try '" not in err


def test_lossmatch_alone_still_shows_the_help(capsys):
    code, _, err = _run(capsys)
    assert code == 2 and "advise" in err and "compare" in err


def test_an_unreadable_path_is_one_line_naming_it(capsys, tmp_path):
    code, out, err = _run(capsys, "advise", tmp_path / "missing.csv")
    assert code == 2 and err.count("\n") == 1 and "missing.csv" in err


ESC_ROW = '"\x1b[2J\x1b]0;pwned\x07",3,4,5\n'


def test_control_characters_in_an_error_message_are_escaped(capsys, tmp_path):
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n" + ESC_ROW)
    for args in (["advise", tmp_path / "bad.csv"], ["score", _files(tmp_path) / "p.npy", tmp_path / "bad.csv"]):
        code, out, err = _run(capsys, *args)
        assert code == 2 and err.count("\n") == 1
        assert "\x1b" not in err and "\x07" not in err and "\\x1b[2J\\x1b]0;pwned\\x07" in err


def test_control_characters_in_labels_and_paths_are_escaped_in_text_output(capsys, tmp_path):
    (tmp_path / "labels.txt").write_text("a\x1b[2J\nb\u202eevil\n" * 3)
    code, out, err = _run(capsys, "advise", tmp_path / "labels.txt")
    assert code == 0 and "\x1b" not in out and "\u202e" not in out
    assert "a\\x1b[2J" in out and "b\\u202eevil" in out
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "t\x1b[2J.py").write_text(
        "from keras.layers import Dense\nfrom keras.models import Sequential\n"
        "model = Sequential([Dense(10, activation='softmax')])\nmodel.compile(loss='binary_crossentropy')\n")
    code, out, err = _run(capsys, "audit", tmp_path / "src")
    assert code == 1 and "LM010" in out and "\x1b" not in out + err and "t\\x1b[2J.py" in out


def test_python_warnings_are_one_escaped_line(capsys, monkeypatch):
    import lossmatch.cli.losses as losses_cli

    original = losses_cli.register

    def register(app):
        original(app)

        @app.command("warn-test")
        def _warn() -> None:
            warnings.warn("column 'x\x1b[31m' looks odd\nsecond line", UserWarning, stacklevel=1)

    monkeypatch.setattr(losses_cli, "register", register)
    monkeypatch.delenv("LOSSMATCH_DEBUG", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        code, _, err = _run(capsys, "warn-test")
    assert code == 0
    assert err == "lossmatch: warning: column 'x\\x1b[31m' looks odd\\x0asecond line\n"
