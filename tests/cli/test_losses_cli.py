import json
import subprocess
import sys

import pytest

from lossmatch import __version__
from lossmatch.cli import main
from lossmatch.registry import REGISTRY


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_losses_json_lists_the_registry(capsys):
    code, out, err = run(capsys, "losses", "--format", "json")
    assert code == 0 and err == ""
    document = json.loads(out)
    assert next(iter(document)) == "schema_version" and document["schema_version"] == 1
    assert [entry["name"] for entry in document["losses"]] == list(REGISTRY)
    for entry in document["losses"]:
        assert {"name", "expects", "activation", "target", "tasks", "supports", "torch_equivalent", "keras_equivalent"} <= set(entry)
    assert run(capsys, "losses", "--json")[1] == out


def test_losses_text(capsys):
    code, out, _ = run(capsys, "losses")
    assert code == 0
    assert "sparse_categorical_cross_entropy_with_logits" in out and "torch.nn.CrossEntropyLoss" in out
    assert "generalized_cross_entropy_with_logits" in out and "torch.nn.MultiMarginLoss" in out
    assert "uniform  the default, torch and Keras" in out and "others   1 - eps on the true class" in out


def test_losses_json_names_the_smoothing_conventions(capsys):
    document = json.loads(run(capsys, "losses", "--json")[1])
    assert set(document["smoothing_conventions"]) == {"uniform", "others"}


def test_version_and_usage_errors(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"lossmatch {__version__}"
    code, _, err = run(capsys, "losses", "--format", "yaml")
    assert code == 2 and "yaml" in err
    code, _, err = run(capsys, "no-such-command")
    assert code == 2


def test_console_script_entry_point():
    result = subprocess.run([sys.executable, "-m", "lossmatch", "losses", "--json"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["schema_version"] == 1
