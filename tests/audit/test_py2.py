"""Python 2 training scripts: the token-level rewrite (golden table), line and column bookkeeping, the LM091
note in the audit, what stays LM090, and that the rewritten code is still never run."""

from __future__ import annotations

import ast
import json
import os
import textwrap
from pathlib import Path

import pytest

from lossmatch.audit import _py2, audit_paths, audit_source

PROJECTS = Path(__file__).parent / "projects"
MARK = "# <-"

# (Python 2 source, its Python 3 rewrite, the construct named in the evidence)
GOLDEN = [
    pytest.param('print "epoch", i\n', 'print("epoch", i)\n', "print statement", id="print"),
    pytest.param('print "a", b,\n', 'print("a", b,)\n', "print statement", id="print-trailing-comma"),
    pytest.param("print\n", "print()\n", "print statement", id="print-bare"),
    pytest.param('print"x"\n', 'print("x")\n', "print statement", id="print-no-space"),
    pytest.param('print "loss %.3f" % (\n    loss,)\n', 'print("loss %.3f" % (\n    loss,))\n', "print statement",
                 id="print-over-lines"),
    pytest.param('print >>f, "loss", x\n', 'print( "loss", x, file=f)\n', "print >>file statement", id="print-to-file"),
    pytest.param("print >>sys.stderr, x,\n", "print( x, file=sys.stderr)\n", "print >>file statement",
                 id="print-to-file-trailing-comma"),
    pytest.param("print >>log\n", "print(file=log)\n", "print >>file statement", id="print-to-file-bare"),
    pytest.param('if done: print "ok"; print\n', 'if done: print("ok"); print()\n', "print statement",
                 id="print-after-colon-and-semicolon"),
    pytest.param("try:\n    f()\nexcept IOError, e:\n    pass\n", "try:\n    f()\nexcept IOError as e:\n    pass\n",
                 "`except E, e` clause", id="except-comma"),
    pytest.param("try: f()\nexcept (IOError, OSError), e: pass\n", "try: f()\nexcept (IOError, OSError) as e: pass\n",
                 "`except E, e` clause", id="except-tuple-comma"),
    pytest.param("s = `x`\n", "s = repr(x)\n", "backtick repr", id="backticks"),
    pytest.param("os.makedirs(d, 0777)\n", "os.makedirs(d, 0o777)\n", "octal literal", id="octal"),
    pytest.param("n = 10L + 0x1FL\n", "n = 10 + 0x1F\n", "long literal", id="long"),
    pytest.param("mode = 0644L\n", "mode = 0o644\n", "octal literal", id="octal-long"),
    pytest.param('pattern = ur"\\w+"\n', 'pattern = r"\\w+"\n', "ur string prefix", id="ur-prefix"),
    pytest.param("if a <> b: pass\n", "if a != b: pass\n", "`<>` operator", id="not-equal"),
    pytest.param("exec code in ns\n", "exec(code ,  ns)\n", "exec statement", id="exec-in"),
    pytest.param('exec "x = 1"\n', 'exec("x = 1")\n', "exec statement", id="exec"),
    pytest.param('raise ValueError, "bad shape"\n', 'raise ValueError( "bad shape")\n', "`raise E, msg` statement",
                 id="raise-comma"),
    pytest.param("raise E, msg, tb\n", "raise E( msg).with_traceback( tb)\n", "`raise E, msg` statement",
                 id="raise-traceback"),
    pytest.param("x = x.cuda(async=True)\n", "x = x.cuda(async_=True)\n", "`async` used as a name", id="async-kwarg"),
    pytest.param("if x:\n\tif y:\n\t\tpass\n        z = 1\n",
                 "if x:\n        if y:\n                pass\n        z = 1\n",
                 "tabs and spaces mixed in indentation", id="tabs-and-spaces"),
    pytest.param("def f():\n    if x:\n\treturn 1\n    return 0\n",
                 "def f():\n    if x:\n        return 1\n    return 0\n",
                 "tabs and spaces mixed in indentation", id="tab-under-four-spaces"),
    pytest.param("if ok:\n\tprint `n`\n", "if ok:\n        print(repr(n))\n", "backtick repr", id="nested-constructs"),
]


def names_at_original_columns(original: str, tree: ast.AST) -> list[tuple[int, str]]:
    """Names whose (line, col_offset) in the tree do not point at that name in the original text (``repr`` is
    the rewrite's own)."""
    lines = original.split("\n")
    wrong = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id != "repr":
            text = lines[node.lineno - 1].encode()[node.col_offset:]
            if not text.startswith(node.id.rstrip("_").encode()):
                wrong.append((node.lineno, node.id))
    return wrong


@pytest.mark.parametrize(("source", "expected", "construct"), GOLDEN)
def test_rewrite_golden_table(source, expected, construct):
    rewrite = _py2.rewrite(source)
    assert rewrite is not None and rewrite.source == expected
    assert construct in {kind for _, kind in rewrite.changes}
    framed = "import os\n\n" + source + "marker = 1\n"  # the line of what follows holds
    tree, _ = _py2.parse(framed, "train.py")
    assert tree.body[-1].lineno == framed.count("\n")
    if ">>" not in source:  # print >>f moves f to the end of the call: its column is the print's
        assert names_at_original_columns(framed, tree) == []


def test_columns_map_back_through_tabs_and_wider_rewrites():
    source = 'if True:\n\tprint "café", `x`, 0777L; loss = criterion(out, y)\n'
    tree, _ = _py2.parse(source, "train.py")
    assert names_at_original_columns(source, tree) == []
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "criterion")
    line = source.split("\n")[1].encode()
    assert line[call.col_offset:call.end_col_offset] == b"criterion(out, y)"


def test_bytes_are_decoded_by_their_coding_cookie():
    source = '# -*- coding: latin-1 -*-\nprint "caf\xe9", x\n'.encode("latin-1")
    assert _py2.rewrite(source).source.endswith('print("caf\xe9", x)\n')
    assert _py2.rewrite("print 'caf\xe9'\n".encode("latin-1")) is None  # no cookie: not UTF-8, not Python 2 either


@pytest.mark.parametrize("source", [
    "def f(:\n    pass\n",  # a Python 3 syntax error: nothing to rewrite
    'print "unterminated\n',  # does not tokenize
    'print "a"\nsorted(pairs, key=lambda (k, v): v)\n',  # tuple parameters are not rewritten
    "print (a), b\nx = 1\n",  # already valid Python 3
], ids=["python3-error", "untokenizable", "tuple-parameter", "valid-python3"])
def test_not_recovered(source):
    assert _py2.parse(source, "train.py") is None


def test_summary_names_the_first_line_of_each_construct():
    source = 'print "a"\nprint "b"\ns = `x`\nn = 1L\nm = 0777\nif a <> b: pass\n'
    detail, evidence = _py2.rewrite(source).summary(limit=3)
    assert detail == "print statement (2); backtick repr; long literal; octal literal; `<>` operator"
    assert evidence == ["line 1: print statement (and 1 more)", "line 3: backtick repr", "line 4: long literal",
                        "and 2 more kinds of Python 2 syntax"]


# ---------------------------------------------------------------------------------------- the audit
KERAS_PY2 = """\
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Dropout
from keras.utils import np_utils

nb_classes = 10
X_train = np.load("x_train.npy").reshape(60000, 784)
Y_train = np_utils.to_categorical(np.load("y_train.npy"), nb_classes)
print X_train.shape[0], "train samples"

model = Sequential()
model.add(Dense(512, input_dim=784, activation="relu"))
model.add(Dropout(0.2))
model.add(Dense(nb_classes, activation="softmax"))
model.compile(optimizer="rmsprop", loss="binary_crossentropy")  # <-
for i in xrange(20):
    print "epoch", i
    model.fit(X_train, Y_train, batch_size=128, nb_epoch=1, verbose=0)
"""

TORCH_PY2 = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
	def __init__(self):
		super(Net, self).__init__()
		self.fc1 = nn.Linear(784, 256)
		self.fc2 = nn.Linear(256, 10)

	def forward(self, x):
	        x = F.relu(self.fc1(x))
		return F.softmax(self.fc2(x))


def load(path):
    try:
	return torch.load(path)
    except IOError, e:
	print "no data:", e
	raise

model = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for inputs, targets in load("train.pt"):
    optimizer.zero_grad()
    loss = criterion(model(inputs), targets)  # <-
    loss.backward()
    optimizer.step()
"""


def marked(code: str) -> int:
    return next(n for n, line in enumerate(code.splitlines(), start=1) if line.rstrip().endswith(MARK))


@pytest.mark.parametrize(("code", "rule"), [(KERAS_PY2, "LM010"), (TORCH_PY2, "LM001")], ids=["keras", "torch"])
def test_python2_script_gets_its_bug_at_the_original_line_and_lm091(code, rule):
    with pytest.raises(SyntaxError):
        ast.parse(code)
    findings = audit_source(code, "train.py")
    by_rule = {f.rule: f for f in findings}
    assert by_rule[rule].line == marked(code) and by_rule[rule].severity == "error"
    note = by_rule["LM091"]
    assert (note.line, note.col, note.severity) == (1, 1, "info")
    assert note.evidence and all(item.startswith("line ") for item in note.evidence[:-1])
    assert {f.rule for f in findings} - {rule, "LM091", "LM020"} == set()


def test_torch_tab_column_is_the_original_one():
    finding = next(f for f in audit_source(TORCH_PY2, "train.py") if f.rule == "LM001")
    line = TORCH_PY2.splitlines()[finding.line - 1]
    assert line[finding.col - 1:].startswith("criterion(")


def test_python3_syntax_error_is_still_lm090():
    code = "import keras\nmodel = keras.Sequential(\nprint('unclosed')\ndef f(:\n    pass\n"
    assert [(f.rule, f.severity) for f in audit_source(code, "train.py")] == [("LM090", "info")]


def test_python2_construct_that_is_not_rewritten_stays_lm090_with_the_hint():
    code = 'def load(path):\n    print "loading", path\n    return sorted(d.items(), key=lambda (k, v): v)\n'
    [finding] = audit_source(code, "train.py")
    assert (finding.rule, finding.line) == ("LM090", 2) and "Python 2" in finding.message


def test_python3_file_never_reaches_the_rewrite(monkeypatch):
    def refuse(*args):
        raise AssertionError("the Python 2 rewrite ran on a file that parses")

    monkeypatch.setattr(_py2, "parse", refuse)
    assert [f.rule for f in audit_source(KERAS_PY2.replace('print "epoch", i', "print('epoch', i)")
                                         .replace('print X_train.shape[0], "train samples"', "print(len(X_train))")
                                         .replace("xrange", "range"), "train.py")] == ["LM010"]


def test_python2_notebook_cell_is_recovered(tmp_path):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Old notebook\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["import keras\n", "from keras.layers import Dense\n", "print keras.__version__\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["model = keras.models.Sequential()\n", "model.add(Dense(10, activation='softmax', input_dim=64))\n",
                    "print 'compiling'\n", "model.compile(loss='binary_crossentropy', optimizer='sgd')\n"]},
    ]
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "cells": cells}))
    found = [(f.rule, f.cell, f.line, f.severity) for f in audit_paths(path).findings]
    assert ("LM091", 2, 1, "info") in found and ("LM091", 3, 1, "info") in found
    assert ("LM010", 3, 4, "error") in found


def test_python2_code_is_never_executed(tmp_path):
    marker = tmp_path / "executed.txt"
    shell_marker = tmp_path / "shell.txt"
    evil = textwrap.dedent(f"""\
        import os
        print "about to write", {str(marker)!r}
        open({str(marker)!r}, "w").write("ran")
        os.system("touch {shell_marker}")
        exec "open({str(marker)!r}, 'w')" in globals()
        try:
            os.remove(__file__)
        except OSError, e:
            print >>open({str(marker)!r}, "w"), `e`
        os.chmod({str(marker)!r}, 0777)
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential()
        model.add(Dense(3, activation="softmax", input_dim=8))
        model.compile(loss="binary_crossentropy", optimizer="sgd")
        while True:
            pass
    """)
    (tmp_path / "evil.py").write_text(evil)
    result = audit_paths(tmp_path)
    assert not marker.exists() and not shell_marker.exists()
    assert (tmp_path / "evil.py").exists()
    assert sorted(f.rule for f in result.findings) == ["LM010", "LM091"]


def test_code_read_with_skipped_lines_is_never_executed(tmp_path):
    """The LM093 path (a line Python rejects is blanked, then the file is parsed again) only parses too."""
    marker = tmp_path / "executed.txt"
    lines = ["import os", f"open({str(marker)!r}, 'w').write('ran')", "os.system('touch ' + " + repr(str(marker)) + ")",
             "from keras.models import Sequential", "from keras.layers import Dense", "", "def build():",
             "    model = Sequential()", "    model.add(Dense(3, activation='softmax', input_dim=8))",
             "\topt = 'sgd'", "    model.compile(loss='binary_crossentropy', optimizer='sgd')", "    return model",
             ""] + [f"STEP_{i} = {i}" for i in range(30)] + ["while True:", "    pass", ""]
    (tmp_path / "evil.py").write_text("\n".join(lines))
    result = audit_paths(tmp_path)
    assert not marker.exists()
    assert sorted(f.rule for f in result.findings) == ["LM010", "LM093"]


# ---------------------------------------------------------------------------------------- p7 projects
P7 = sorted(p for p in PROJECTS.glob("p7_*") if p.is_dir())


@pytest.mark.parametrize("folder", P7, ids=lambda p: p.name)
def test_python2_project(folder):
    """Every listed finding (rule, file, line, severity when given) is reported; nothing else at warning or
    error level; every .py file of these projects is Python 2 and gets its LM091 note."""
    expected = json.loads((folder / "expect.json").read_text())["findings"]
    got = [{"rule": f.rule, "file": Path(os.path.relpath(f.path, folder)).as_posix(), "line": f.line,
            "severity": f.severity} for f in audit_paths([str(folder)]).findings]
    missing = [item for item in expected if not any(all(g[k] == v for k, v in item.items()) for g in got)]
    extra = [g for g in got if g["severity"] != "info" and not any(
        all(g[k] == v for k, v in item.items()) for item in expected)]
    assert not missing and not extra, {"missing": missing, "unexpected": extra}
    notes = {item["file"] for item in expected if item["rule"] == "LM091"}
    assert notes == {p.name for p in folder.glob("*.py")}
    assert any(item["rule"] != "LM091" for item in expected) != folder.name.endswith("_ok")


def test_p7_projects_have_buggy_and_correct_twins():
    names = {p.name for p in P7}
    buggy = {name for name in names if not name.endswith("_ok")}
    assert len(buggy) >= 3 and {name + "_ok" for name in buggy} <= names
