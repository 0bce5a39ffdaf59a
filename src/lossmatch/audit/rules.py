"""The audit rules (stable IDs, severity, what goes wrong, the fix) and the :class:`Finding` they produce.

IDs never change meaning; new rules take new IDs. ``LM00x`` activation vs loss input, ``LM01x`` loss family
vs task, ``LM02x`` metrics, ``LM03x`` label format, ``LM04x`` numerics, ``LM05x`` harmless redundancy,
``LM09x`` the audit itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lossmatch._messages import expected
from lossmatch.errors import ConfigError

__all__ = ["RULES", "SEVERITIES", "TRAINING_RULES", "Finding", "Rule", "make_finding", "select_rules"]

Severity = Literal["error", "warning", "info"]
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    fix: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "severity": self.severity, "title": self.title, "fix": self.fix}


_RULES = (
    Rule("LM001", "error", "softmax probabilities fed to a loss that expects logits (softmax applied twice)",
         "Drop the softmax from the model output, or use the probability form of the loss "
         "(Keras: from_logits=False)."),
    Rule("LM002", "error", "sigmoid probabilities fed to a loss that expects logits (sigmoid applied twice)",
         "Drop the sigmoid from the model output (BCEWithLogitsLoss applies it), or use the probability form "
         "(nn.BCELoss, from_logits=False)."),
    Rule("LM003", "error", "outputs that are not probabilities fed to a loss that expects probabilities",
         "Use the logits form of the loss (nn.BCEWithLogitsLoss, nn.CrossEntropyLoss, from_logits=True), or add "
         "the activation to the output layer."),
    Rule("LM004", "error", "nn.NLLLoss / F.nll_loss fed something other than log-probabilities",
         "End the model with log_softmax, or use nn.CrossEntropyLoss on the raw logits."),
    Rule("LM005", "error", "activation applied twice before a loss that takes probabilities (a sigmoid of a "
         "sigmoid, a softmax of a softmax)",
         "Apply it once: drop the activation at the end of the model or the one before the loss (or drop both and "
         "use the loss's logits form: nn.BCEWithLogitsLoss, nn.CrossEntropyLoss)."),
    Rule("LM010", "error", "softmax output trained with binary cross-entropy on more than two units",
         "Single-label data: use categorical cross-entropy (Keras 'categorical_crossentropy' or "
         "'sparse_categorical_crossentropy'; torch nn.CrossEntropyLoss on logits)."),
    Rule("LM011", "error", "sigmoid output trained with categorical cross-entropy",
         "Single-label data: softmax + categorical cross-entropy. Multi-label data: sigmoid + binary "
         "cross-entropy."),
    Rule("LM012", "warning", "multi-unit sigmoid + binary cross-entropy on single-label data",
         "One class per row: use softmax + categorical cross-entropy so the outputs compete and sum to 1."),
    Rule("LM013", "error", "categorical cross-entropy on a one-unit output (the loss is constant)",
         "Binary task with one output unit: use sigmoid + binary cross-entropy; or give the layer one unit per "
         "class."),
    Rule("LM014", "error", "softmax over a single unit (the output is always 1.0)",
         "Use activation='sigmoid' for one output unit, or one unit per class with softmax."),
    Rule("LM015", "error", "softmax output on multi-label (multi-hot) targets",
         "Multi-label data: sigmoid outputs + binary cross-entropy (BCEWithLogitsLoss / from_logits=True)."),
    Rule("LM016", "info", "two-unit softmax trained with binary cross-entropy (equals categorical CE, but unusual)",
         "Use categorical cross-entropy, or one sigmoid unit with binary cross-entropy."),
    Rule("LM017", "error", "fewer labels predicted per row than the multi-label targets hold (softmax collapse, "
         "seen in training)",
         "Multi-label data: sigmoid outputs + binary cross-entropy (BCEWithLogitsLoss / from_logits=True); a softmax "
         "shares one unit of probability among the labels, so at most one passes 0.5."),
    Rule("LM020", "warning", "'accuracy' becomes binary accuracy on a single-label multi-unit output",
         "Standalone Keras <= 2.3 picks binary_accuracy from the binary_crossentropy loss, which counts the "
         "correct zeros: fix the loss, or name metrics=['categorical_accuracy']."),
    Rule("LM021", "warning", "'accuracy' becomes categorical accuracy on a multi-label output",
         "Keras 3 and tf.keras choose categorical_accuracy from the output shape, which scores only the arg-max "
         "label: use metrics=['binary_accuracy', keras.metrics.AUC(multi_label=True)] or exact-match."),
    Rule("LM022", "warning", "binary accuracy far above top-1 accuracy on single-label targets (seen in training)",
         "Binary accuracy counts the correct zeros of every row: judge a single-label model by top-1 accuracy "
         "(Keras 'categorical_accuracy'), and train it with softmax + categorical cross-entropy."),
    Rule("LM030", "error", "sparse categorical loss with one-hot labels",
         "Pass the integer class indices (drop to_categorical/one_hot), or use the non-sparse loss."),
    Rule("LM031", "error", "categorical (one-hot) loss with integer class labels",
         "Use the sparse loss (sparse_categorical_crossentropy), or one-hot encode the labels."),
    Rule("LM040", "warning", "log of softmax computed by hand",
         "Use log_softmax (torch.log_softmax, tf.nn.log_softmax) or the fused loss on the logits: "
         "log(softmax(x)) underflows to -inf."),
    Rule("LM041", "warning", "log of sigmoid computed by hand",
         "Use F.logsigmoid / tf.math.log_sigmoid, or the fused loss on the logits: log(sigmoid(x)) underflows "
         "to -inf."),
    Rule("LM042", "error", "non-finite loss or model outputs (seen in training)",
         "Find the first batch with NaN/inf: inputs with NaN, a log of 0 computed by hand (LM040, LM041), a learning "
         "rate too high; the fused losses on logits stay finite where log(probabilities) does not."),
    Rule("LM043", "warning", "probabilities saturated at 0 or 1 on the wrong side of the target, where a "
         "probabilities loss passes no gradient (seen in training)",
         "Feed the logits to the fused loss (nn.BCEWithLogitsLoss, nn.CrossEntropyLoss, from_logits=True): it keeps "
         "the gradient where the clipped log of a saturated probability has none."),
    Rule("LM050", "info", "log_softmax fed to a loss that applies log_softmax (redundant, harmless)",
         "Drop the log_softmax (CrossEntropyLoss applies it), or keep it and use nn.NLLLoss."),
    Rule("LM090", "info", "file could not be parsed; it was skipped",
         "Check that it is Python 3 source (or a valid .ipynb notebook)."),
    Rule("LM091", "info", "file was recovered from Python 2 syntax and audited",
         "Port the file to Python 3 (print(), `except E as e`, 0o777, ...; `2to3` or `pyupgrade` do most of it): "
         "the audit read a token-level rewrite that keeps the original line numbers."),
    Rule("LM092", "info", "part of the file is nested too deeply to check; the rest was audited",
         "Nothing to fix in most code: the statement named is a generated or very long expression."),
    Rule("LM093", "info", "lines that do not parse were skipped; the rest of the file was audited",
         "Fix the lines named (Python rejects the whole file for them): a tab mixed into space indentation, "
         "an unfinished edit."),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}

# Rules only the training-time checks (``lossmatch.LossCheck`` and its Keras and Lightning callbacks) can fire:
# they rest on numbers measured while the model trains, which neither the source nor one batch shows.
TRAINING_RULES = frozenset({"LM017", "LM022", "LM042", "LM043"})


@dataclass(frozen=True)
class Finding:
    """One problem found in code or in a model, with the facts it rests on.

    ``line``/``col`` are 1-based (0 for runtime findings); ``cell`` is the 1-based notebook cell, ``None``
    for ``.py`` files.
    """

    rule: str
    severity: Severity
    path: str
    line: int
    col: int
    message: str
    fix: str
    evidence: tuple[str, ...] = ()
    cell: int | None = None
    end_line: int | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule, "severity": self.severity, "path": self.path, "line": self.line,
            "col": self.col, "message": self.message, "fix": self.fix, "evidence": list(self.evidence),
        }
        if self.cell is not None:
            data["cell"] = self.cell
        return data

    def with_location(self, **changes: Any) -> Finding:
        return replace(self, **changes)


def make_finding(rule_id: str, path: str, line: int, col: int, detail: str, evidence: Iterable[str],
                 *, severity: Severity | None = None) -> Finding:
    """A finding for ``rule_id``: the rule's title, then ``detail``; the rule's fix and severity."""
    rule = RULES[rule_id]
    message = f"{rule.title}: {detail}" if detail else rule.title
    return Finding(rule_id, severity or rule.severity, path, line, col, message, rule.fix, tuple(evidence))


def select_rules(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> frozenset[str]:
    """Rule IDs to report. Each entry is an ID (``LM001``) or a prefix (``LM0``, ``LM01``)."""
    chosen = _expand(select, "select") if select else set(RULES)
    return frozenset(chosen - (_expand(ignore, "ignore") if ignore else set()))


def _expand(codes: Iterable[str], option: str) -> set[str]:
    out: set[str] = set()
    for raw in codes:
        for code in (c.strip().upper() for c in raw.split(",")):
            if not code:
                continue
            matched = {rule_id for rule_id in RULES if rule_id.startswith(code)}
            if not matched:
                raise ConfigError(expected(f"--{option}", f"name rule IDs or prefixes ({', '.join(RULES)})",
                                           repr(code)))
            out |= matched
    return out
