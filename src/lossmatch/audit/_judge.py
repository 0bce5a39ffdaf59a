"""Judge a loss site: the prediction's activation and size, the loss, the metrics and the labels.

Each rule fires only on known facts and lists them as evidence. Single-label evidence is the labels that
reach the loss (``to_categorical``, index labels of a known dataset) or, when no labels reach it, what the
file says elsewhere, as long as the file holds no multi-label evidence too, or the code taking this very
output's arg-max as the class.
"""

from __future__ import annotations

from typing import Any, Protocol

from lossmatch.audit._values import EITHER, Site
from lossmatch.audit.catalogue import PROBABILITIES, RAW_ACTIVATIONS

_ACCURACY = frozenset({"accuracy", "acc"})
_LOG_PROBS = frozenset({"log_softmax", "logsigmoid"})


class Reporter(Protocol):
    """What a judge needs: a place to report, a way to show a value, and the file-level facts
    (the static interpreter, or the runtime check with no file)."""

    facts: Any

    def report(self, rule: str, node: Any, detail: str, evidence: list[str]) -> None: ...

    def describe(self, value: Any) -> str: ...


def _argmax_taken(facts: Any, pred: Any) -> tuple[Any, str] | None:
    """The arg-max of this prediction's own output taken as the class (``out.max(1)[1]`` at test time), if any:
    the same activation of the same model, perhaps before a reshape that lost its size."""
    if pred is None:
        return None
    return next(((tensor, evidence) for tensor, evidence in getattr(facts, "argmaxed", ())
                 if tensor.node is pred.node and tensor.act == pred.act), None)


def judge(interp: Reporter, site: Site) -> None:
    entry, pred, labels = site.loss, site.pred, site.labels
    act = pred.act if pred is not None else None
    units = pred.units if pred is not None else None
    report = interp.report
    loss_ev = f"loss: {entry.describe()} ({interp.describe(site.loss_node)})"
    if site.swapped:
        loss_ev += f"; the output is passed as `{entry.target_arg[1]}` and the labels as `{entry.pred_arg[1]}`: " \
                   "swapped too"
    size = f", {units} unit{'' if units == 1 else 's'}" if units else ""
    pred_ev = [f"output: {interp.describe(pred)} ({act}{size})"] if pred else []
    label_ev = [f"labels: {labels.evidence}"] if labels is not None else []
    facts = interp.facts

    if labels is not None:
        single = labels.fmt in ("one_hot", "index")
        multi = labels.fmt == "multi_hot"
        context_ev = label_ev
    else:
        single = bool(facts.single_label) and not facts.multi_label
        multi = bool(facts.multi_label) and not facts.single_label
        counts = getattr(facts, "single_classes", ())
        if single and units and counts and all(c is not None and c != units for c in counts):
            single = False  # the file's labels have another class count: not their classifier (a reconstruction)
        context_ev = [f"in this file: {facts.single_label[0] if single else facts.multi_label[0]}"] if single or multi else []
        taken = _argmax_taken(facts, pred) if not single and not facts.multi_label else None
        if taken is not None:  # the code reads this very output's arg-max as the class: one class per row
            single, context_ev = True, [f"in this file: {taken[1]}"]
            units = units if units is not None else taken[0].units

    node = site.node
    # ---- activation vs what the loss takes
    if act is not None:
        if entry.expects == "logits" and act == "softmax":
            report("LM001", node, f"{entry.name} applies {entry.activation} itself", pred_ev + [loss_ev])
        elif entry.expects == "logits" and act == "sigmoid" and entry.activation == "softmax":
            # not a sigmoid applied twice: a softmax over sigmoid outputs (whatever the labels, the wrong pairing)
            report("LM011", node, f"{entry.name} applies softmax on top of the sigmoid outputs", pred_ev + [loss_ev])
        elif entry.expects == "logits" and act == "sigmoid":
            report("LM002", node, f"{entry.name} applies {entry.activation} itself", pred_ev + [loss_ev])
        elif entry.expects == "logits" and act == EITHER:  # branches pick one; the loss's own one is the named rule
            report("LM001" if entry.activation == "softmax" else "LM002", node,
                   f"the output is a sigmoid or a softmax (by branches) and {entry.name} applies {entry.activation} "
                   "itself", pred_ev + [loss_ev])
        elif entry.expects == "logits" and act == "log_softmax" and entry.activation == "softmax":
            report("LM050", node, f"{entry.name} applies log_softmax again", pred_ev + [loss_ev])
        elif entry.expects == "probs" and (act in RAW_ACTIVATIONS or act in _LOG_PROBS):
            report("LM003", node, f"the output is {_what(act)} but {entry.name} expects probabilities", pred_ev + [loss_ev])
        elif entry.expects == "log_probs" and (act in PROBABILITIES or act in RAW_ACTIVATIONS):
            report("LM004", node, f"the output is {_what(act)}", pred_ev + [loss_ev])

    doubled = getattr(facts, "doubled", {}).get(id(pred.node)) if pred is not None else None
    inner = pred.doubled if pred is not None and pred.doubled else doubled[1] if doubled and doubled[0] is pred.node \
        else None
    if inner and entry.expects == "probs":  # into NLLLoss: LM004 says it
        report("LM005", node, f"the {act} it feeds to {entry.name} is the {act} of a {act}",
               pred_ev + [f"inner: {inner}", loss_ev])

    if act == "softmax" and units == 1:
        report("LM014", pred.node, "the output it feeds to the loss has 1 unit", pred_ev + [loss_ev])

    # ---- loss family vs output and task
    classes = units if units is not None else (labels.classes if labels is not None and labels.fmt != "multi_hot" else None)
    if entry.family == "binary":
        if act == "softmax" and entry.expects == "probs" and classes is not None:
            if classes > 2:
                report("LM010", node, f"{classes}-way softmax scored as {classes} independent yes/no outputs",
                       pred_ev + [loss_ev] + context_ev)
            elif classes == 2:
                report("LM016", node, "2-unit softmax with binary cross-entropy", pred_ev + [loss_ev])
        elif act == "softmax" and entry.expects == "probs" and pred.sized_by:
            # A size computed by the code (a vocabulary, a class list) is a class count; a 2-class softmax would
            # be harmless (LM016), a 1-unit one is LM014.
            report("LM010", node, f"a softmax over `{pred.sized_by}` units scored as independent yes/no outputs",
                   pred_ev + [loss_ev, f"units: `{pred.sized_by}` (not a constant; with 2 units this would be "
                                       "harmless, with 1 it is LM014)"] + context_ev)
        elif act == "softmax" and entry.expects == "probs" and labels is not None and labels.fmt == "one_hot":
            # One-hot rows of an unknown class count: still one class per row, scored as independent yes/no.
            report("LM010", node, "a softmax over one-hot classes scored as independent yes/no outputs",
                   pred_ev + [loss_ev] + label_ev + ["classes: not a constant here (with 2 classes this would be "
                                                     "harmless)"])
        independent = (act == "sigmoid" and entry.expects == "probs") or (act in RAW_ACTIVATIONS and entry.expects == "logits")
        multi_unit = (units is not None and units > 1) or (units is None and classes is not None and classes > 2)
        if independent and multi_unit and single:
            report("LM012", node, f"the labels are single-label but the {classes or 'multi'}-unit output is trained "
                   "as independent yes/no outputs", pred_ev + [loss_ev] + context_ev)
    else:
        if units == 1:
            report("LM013", node, f"{entry.name} over 1 unit is always 0", pred_ev + [loss_ev])
        elif act == "sigmoid" and entry.expects == "probs":
            report("LM011", node, f"{entry.name} on sigmoid outputs", pred_ev + [loss_ev] + context_ev)
    if act == "softmax" and multi:
        report("LM015", node, "softmax lets at most one label pass 0.5", pred_ev + [loss_ev] + context_ev)

    # ---- metrics='accuracy' (Keras compile)
    if site.metrics and _ACCURACY & set(site.metrics) and entry.family == "binary":
        # one sigmoid unit on binary labels (IMDB): binary accuracy is the accuracy; the unit count, when known, decides
        multi_unit = units > 1 if units is not None else labels is not None and (labels.classes or 0) > 2
        # Dense(n_classes, "softmax"): a size the code computes is a class count (with 2 it would be harmless)
        sized = units is None and not multi_unit and act == "softmax" and bool(pred.sized_by)
        multi_unit = multi_unit or sized
        # Two softmax units threshold to complementary outputs, so binary accuracy equals categorical there.
        two_softmax = act == "softmax" and (units == 2 or units is None and labels is not None and labels.classes == 2)
        # Keras 3 and tf.keras from TF 2.2 pick categorical_accuracy by shape: only standalone Keras, and tf.keras in
        # TensorFlow 1 code, without a Keras 3 import are flagged.
        by_loss = _picks_metric_by_loss(facts)
        if by_loss and multi_unit and not two_softmax and (act == "softmax" or single):
            report("LM020", node, "binary_accuracy counts the correct zeros, so it reads high",
                   pred_ev + [loss_ev, "metrics: 'accuracy'", by_loss] + context_ev + (
                       [f"units: `{pred.sized_by}` (not a constant; with 2 units this would be harmless)"] if sized else []))
        elif multi_unit and multi and act != "softmax":
            report("LM021", node, "it scores only the arg-max label of each row",
                   pred_ev + [loss_ev, "metrics: 'accuracy'"] + context_ev)

    # ---- label format
    if labels is not None:
        if entry.sparse and labels.fmt in ("one_hot", "multi_hot") and not entry.accepts_one_hot:
            report("LM030", node, f"{entry.name} takes class indices", [loss_ev] + label_ev)
        elif entry.target == "one_hot" and labels.fmt == "index" and units != 1:  # one unit: LM013 says it
            report("LM031", node, f"{entry.name} takes one-hot rows", [loss_ev] + label_ev)


_ACTIVATION_RULES = frozenset({"LM001", "LM002", "LM003", "LM004", "LM005", "LM050"})


def chosen(site: Site, rule: str, severity: str, evidence: list[str]) -> tuple[str | None, list[str]] | None:
    """How to report ``rule`` on a site: ``(severity or None for the rule's own, evidence)``, or ``None`` to
    drop it. On one of several losses the code picks by branches, only what the output's activation does to
    that loss is said, as a warning naming the choice: a size or label rule may not hold in the branch that
    runs (``if n_classes > 1: CrossEntropyLoss() else: BCEWithLogitsLoss()``). The same for an activation applied
    in one branch only (``if self.reward_token_ids is not None: logits = logits.softmax(-1)``)."""
    when = site.pred.when if site.pred is not None else None
    if not site.choice and not when:
        return None, evidence
    # a sigmoid output into a softmax loss on logits is an activation rule too, unless the code chooses the loss
    # (`CrossEntropyLoss() if n > 1 else BCEWithLogitsLoss()`: the option made for the sigmoid says LM002)
    if rule not in _ACTIVATION_RULES and (site.choice or rule != "LM011" or site.loss.expects != "logits"):
        return None
    if severity == "info":
        return None, evidence
    notes = [f"loss: one of {len(site.choice)} the code chooses between: " + "; ".join(site.choice)] if site.choice else []
    notes += [f"activation: {when} (applied in one branch of an if)"] if when else []
    return "warning", evidence + notes


def _picks_metric_by_loss(facts: Any) -> str | None:
    """Why this file's Keras picks 'accuracy' from the loss, or None."""
    if getattr(facts, "keras3", None):
        return None
    if facts.standalone_keras:
        return "imports standalone keras (<= 2.3 picks the metric from the loss)"
    if getattr(facts, "tf_keras", None) and getattr(facts, "tf1", None):
        return f"tf.keras in TensorFlow 1 code ({facts.tf1}; tf.keras before TF 2.2 picks the metric from the loss)"
    return None


def _what(act: str) -> str:
    if act in _LOG_PROBS:
        return f"log-probabilities ({act})"
    if act in PROBABILITIES:
        return f"probabilities ({act}), not log-probabilities"
    return "raw scores (linear)" if act == "linear" else f"raw scores ({act} activation)"
