"""The project pass: close the loss sites a file left open, from the summaries of every audited file.

A site is open when its loss is applied to what a parameter (or an unresolved factory, ``getattr``, a
registry) gives, or when the loss itself arrives through a parameter. Each file's :class:`Summary` lists its
open sites, the models and losses it passes to parameters (bindings), and the model classes and builders it
defines. A site is closed with, in order of preference:

1. the models the value itself lists (branches of a factory, entries of a registry dict);
2. the models bound to the parameter by a call anywhere in the audited tree (exact);
3. the project's own top-level model classes (constructed, or else not used inside another model) in the
   files connected to the site's file by imports; then in the model-only modules under its project folder.

With exact candidates every finding stands. With the fallback of step 3 a finding stands at its own
severity when every candidate gives it, and as a warning naming the ones that do when only some do.
Nothing is re-interpreted: this pass reads summaries only.
"""

from __future__ import annotations

import ast
import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lossmatch.audit import catalogue as cat
from lossmatch.audit._frameworks import _arg, _source
from lossmatch.audit._judge import chosen, judge
from lossmatch.audit._values import (
    ANY_CLASS,
    SELF,
    UNKNOWN_MODEL,
    Const,
    Function,
    Hole,
    Klass,
    Labels,
    Losses,
    LossValue,
    Model,
    Opaque,
    OpaqueOut,
    Pack,
    Site,
    Tensor,
    item_hole,
    item_of,
    models_in,
)
from lossmatch.audit.rules import RULES, Finding, make_finding

__all__ = ["ModelInfo", "Summary", "resolve", "summarize"]

_MAX_NESTING = 3  # a model whose output is what a model passed to it gives, and so on
_MAX_NAMED = 5  # beyond this many candidate models, a mismatch of only some of them is not reported


@dataclass(frozen=True)
class ModelInfo:
    """A model class or builder function a file defines at module level."""

    name: str
    model: Model
    where: str  # "models/nets.py:44"
    bases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    path: str
    open_sites: tuple[Site, ...]
    bindings: tuple[tuple[Hole, Any, ast.AST], ...]  # (parameter, model or loss passed to it, the call)
    models: tuple[ModelInfo, ...]
    constructed: frozenset[str]
    submodules: frozenset[str]
    has_sites: bool
    facts: Any
    cells: Any = None  # a notebook's CellMap
    inits: frozenset[tuple[str, int]] = frozenset()  # the ``__init__``s of its classes, (path, line of the def)


def summarize(interp: Any, open_sites: list[Site], cells: Any) -> Summary:
    """What the project pass needs of one interpreted file."""
    models = []
    for name, value in interp.module.vars.items():
        model = None
        if isinstance(value, Klass) and value.model is not None:
            model = value.model
        elif isinstance(value, Function):
            result = interp._no_arg_results.get(id(value.node))
            model = result if isinstance(result, Model) else None
        if model is not None and model.path == interp.path:
            line = getattr(model.node, "lineno", 0) if isinstance(value, Klass) else value.node.lineno
            models.append(ModelInfo(name, model, f"{interp.path}:{cells.label(line) if cells else line}",
                                    value.bases if isinstance(value, Klass) else ()))
    inits = frozenset(value.hole for value in interp.module.vars.values()
                      if isinstance(value, Klass) and value.hole is not None and value.hole[0] == interp.path)
    return Summary(interp.path, tuple(open_sites), tuple(interp.bindings), tuple(models),
                   frozenset(interp.constructed), frozenset(interp.submodules), bool(interp.sites), interp.facts,
                   cells, inits)


class _Collector:
    """A judge's reporter for one site and one candidate: keeps what the judge says."""

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        self.facts = summary.facts
        self.said: dict[str, tuple[ast.AST, str, list[str]]] = {}

    def report(self, rule: str, node: Any, detail: str, evidence: list[str]) -> None:
        self.said.setdefault(rule, (node, detail, evidence))

    def describe(self, value: Any, *, always_path: bool = False) -> str:
        """``line 12: source`` in the site's own file, ``path:12: source`` in another one (or when asked)."""
        if isinstance(value, str):
            return value
        node = value if isinstance(value, ast.AST) else value.node
        line = getattr(node, "lineno", 0)
        path = getattr(value, "path", "") or self.summary.path
        if path != self.summary.path or always_path:
            cells = self.summary.cells if path == self.summary.path else None
            return f"{path}:{cells.label(line) if cells else line}: {_source(node)}"
        label = self.summary.cells.label(line) if self.summary.cells else f"line {line}"
        return f"{label}: {_source(node)}"


class _Project:
    def __init__(self, summaries: Mapping[str, Summary], imports: Mapping[str, Iterable[str]],
                 roots: Mapping[str, str]) -> None:
        self.summaries = summaries
        self.imports = imports
        self.importers: dict[str, set[str]] = defaultdict(set)
        for path, targets in imports.items():
            for target in targets:
                self.importers[target].add(path)
        self.roots = roots
        self._bound: dict[Hole, list[tuple[Any, Summary, ast.AST]]] = defaultdict(list)
        self._inits: set[tuple[str, int]] = set()
        for summary in summaries.values():
            self._inits |= summary.inits
            for hole, value, node in summary.bindings:
                self._bound[hole].append((value, summary, node))
        self._fallback: dict[str, list[tuple[Model, str]]] = {}
        self._bound_cache: dict[Hole | None, tuple[tuple[Any, str, tuple[str, int, int]], ...]] = {}
        self._derived: dict[str, list[ModelInfo]] | None = None

    # ------------------------------------------------------------------------------------ candidates
    def bound(self, hole: Hole | None, seen: frozenset[Hole] = frozenset()
              ) -> list[tuple[Any, str, tuple[str, int, int]]]:
        """What calls pass to a parameter: the value, where the call is (``path:line: source``) and the
        call's identity (so a model and a loss passed by one call are judged together). A parameter handed on
        from another function's (``select_trainer(model)`` calling ``Trainer(model)``) gets what that one gets."""
        if not seen and hole in self._bound_cache:
            return list(self._bound_cache[hole])
        out = []
        given = self._bound.get(hole, []) if hole else []
        if hole and hole[:2] in self._inits and not given:  # a class's constructor no call names: what a call of a
            given = self._bound.get((ANY_CLASS, 0, hole[2]), [])  # class picked at run time gives it
        for value, summary, node in given:
            if isinstance(value, Opaque) and value.hole is not None:
                if value.hole not in seen and len(seen) < _MAX_NESTING:
                    out.extend((v.under_arms(value.under) if isinstance(v, Opaque) else v, where, call)
                               for v, where, call in self.bound(value.hole, seen | {hole}))
                continue
            call = (summary.path, getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
            out.append((value, _Collector(summary).describe(node, always_path=summary.path != hole[0]), call))
        if not seen:
            self._bound_cache[hole] = tuple(out)
        return out

    def listed(self, source: Opaque) -> list[tuple[Model, str]]:
        """Models the value lists itself: the branches of a factory, the entries of a registry."""
        return [(m, _model_name(m)) for m in source.candidates if isinstance(m, Model)]

    def bound_models(self, source: Opaque, call: tuple[str, int, int] | None = None,
                     *, exact: bool = True) -> list[tuple[Model, str]]:
        """Models that calls bind to the parameter: the models themselves (``exact``), or the models a bound
        value lists (a registry entry chosen at run time); only those of ``call`` when it binds one."""
        found = [(model, f"{_model_name(model)}, passed at {where}", at) for value, where, at in self.bound(source.hole)
                 if isinstance(value, Model) == exact for model in models_in(value) if isinstance(model, Model)]
        same = [item for item in found if item[2] == call]
        return [(model, where) for model, where, _ in same or found]

    def candidates(self, summary: Summary, source: Opaque, call: Any = None) -> list[tuple[Model, str]]:
        if item_hole(source.hole) is not None:  # an item of a parameter is no model of the project's
            return []
        if source.hole is not None and source.hole[2] == SELF:
            return self.subclasses(source)
        found = self.listed(source) or self.bound_models(source, call, exact=False)
        if not found and isinstance(source.default, Model):  # a HuggingFace Trainer's hook: a transformers model
            return [(source.default, source.default.name)]
        return found or _named(source, self.fallback(summary.path))

    def subclasses(self, source: Opaque) -> list[tuple[Model, str]]:
        """The project's model classes derived (at any depth) from the base class whose ``self`` this is."""
        if self._derived is None:
            self._derived = defaultdict(list)
            for s in self.summaries.values():
                for info in s.models:
                    for base in info.bases:
                        self._derived[base].append(info)
        path, line, _ = source.hole
        owner = self.summaries.get(path)
        names = [info.name for info in (owner.models if owner else ())
                 if getattr(info.model.node, "lineno", None) == line]
        found: list[tuple[Model, str]] = []
        seen: set[str] = set()
        while names:
            name = names.pop()
            for info in self._derived.get(name, ()):
                if info.where not in seen:
                    seen.add(info.where)
                    found.append((info.model, f"{info.name} ({info.where})"))
                    names.append(info.name)
        return found

    def fallback(self, path: str) -> list[tuple[Model, str]]:
        """The project's models that could reach a site in ``path``: those the files importing it construct
        (looked up in what those files import); else the top-level ones among what ``path`` imports; else
        those of the model-only modules under its project folder."""
        if path not in self._fallback:
            users = self._closure(path, self.importers)
            built = set().union(*(self.summaries[p].constructed for p in users if p != path))
            seen = sorted({p for user in users for p in self._closure(user, self.imports)})
            found = [m for m in self._models(seen) if m[2] in built] if built else []
            if not found:
                found = self._top_models(self._closure(path, self.imports))
            if not found and path in self.roots:
                root = self.roots[path]
                found = self._top_models([p for p, s in self.summaries.items()
                                          if self.roots.get(p) == root and not s.has_sites])
            self._fallback[path] = [(model, where) for model, where, _ in found]
        return self._fallback[path]

    def project_models(self, path: str) -> list[tuple[Model, str]]:
        """Every model class of the project folder that holds ``path``."""
        root = self.roots.get(path)
        return [(model, where) for model, where, _ in self._models(
            p for p in self.summaries if root is not None and self.roots.get(p) == root)]

    def _closure(self, path: str, edges: Mapping[str, Iterable[str]]) -> list[str]:
        seen, todo = {path}, [path]
        while todo:
            for other in edges.get(todo.pop(), ()):
                if other not in seen and other in self.summaries:
                    seen.add(other)
                    todo.append(other)
        return sorted(seen)

    def _models(self, paths: Iterable[str]) -> list[tuple[Model, str, str]]:
        return [(info.model, f"{info.name} ({info.where})", info.name) for p in paths
                for info in self.summaries[p].models]

    def _top_models(self, paths: list[str]) -> list[tuple[Model, str, str]]:
        """Model classes constructed in these files, or else those not built inside another model."""
        models = self._models(paths)
        constructed = set().union(*(self.summaries[p].constructed for p in paths))
        inside = set().union(*(self.summaries[p].submodules for p in paths))
        return [m for m in models if m[2] in constructed] or [m for m in models if m[2] not in inside]

    # ------------------------------------------------------------------------------------ closing sites
    def close(self, summary: Summary, site: Site) -> list[tuple[int, Finding]]:
        """The findings of an open site, each ranked: 0 where the loss is the option of a choice made for the
        output's activation (``BCEWithLogitsLoss`` of ``if n > 1: CrossEntropyLoss() else: ...`` for a sigmoid
        saying LM002), which the evidence should name over the other options; else 1."""
        findings: dict[str, Finding] = {}
        ranks: dict[str, int] = {}
        for entry, loss_desc, pred, labels, call, choice in self._losses(site):
            before = set(findings)
            judged = dataclasses.replace(site, choice=choice) if choice else site
            self._close_one(summary, judged, entry, loss_desc, pred, labels, call, findings)
            for rule in findings.keys() - before:
                ranks[rule] = 0 if site.choice and _OWN_ACTIVATION.get(rule) == entry.activation else 1
        return [(ranks[rule], finding) for rule, finding in findings.items()]

    def _close_one(self, summary: Summary, site: Site, entry: cat.LossEntry, loss_desc: str, pred: Any,
                   labels: Labels | None, call: Any, findings: dict[str, Finding]) -> None:
        if isinstance(pred, Tensor):
            self._judge_exact(summary, site, entry, loss_desc, pred, labels, [], findings)
            if pred.over is None or entry.expects != "probs":
                return
            # criterion(torch.sigmoid(net(x)), y) with both holes: the activation replayed on each model (LM005)
            pred = pred.over.then("act", pred.act, pred.node, summary.path)
        if not isinstance(pred, OpaqueOut):
            return
        exact = self.bound_models(pred.source, call)
        if exact:
            for model, where in exact:
                tensor = self.replay(model.out, pred.steps)
                if tensor is not None:
                    self._judge_exact(summary, site, entry, loss_desc, tensor, labels, [f"model: {where}"],
                                      findings)
        else:
            self._judge_candidates(summary, site, entry, loss_desc, pred, labels, call, findings)

    def _losses(self, site: Site) -> list[tuple[cat.LossEntry, str, Any, Labels | None, Any, tuple[str, ...]]]:
        """(loss, its description, prediction, labels, the call that passed the loss, the losses it is chosen among)
        for each loss the site may apply."""
        if site.loss is not None:
            return [(site.loss, site.loss_node, site.open_pred or site.pred, site.labels, None, ())]
        out = []
        hole = site.open_loss.hole if site.open_loss is not None else None
        given = self.bound(hole)
        if site.open_loss is not None and site.open_loss.default is not None:
            given.append((site.open_loss.default, f"the default of {site.open_loss.origin}", None))
        for value, where, call in given:
            made = f"{_Collector(self.summaries[value.path]).describe(value, always_path=True)}, passed at " \
                if isinstance(value, LossValue) and value.path in self.summaries else ""
            # each library loss a loss class of the user's applies (`F.cross_entropy(seg_in, ...) +
            # F.binary_cross_entropy_with_logits(edge_in, ...)`), on what this call gives it
            choice = tuple(_option_name(option) for option in (*value.options, *value.others)) \
                if isinstance(value, Losses) else ()
            for entry in _loss_entries(value):
                if site.args or site.kwargs:  # a call of the parameter: the loss says where its arguments are
                    kwargs = dict(site.kwargs)
                    pred = item_of(_arg(list(site.args), kwargs, *entry.pred_arg), entry.pred_item)
                    labels = item_of(_arg(list(site.args), kwargs, *entry.target_arg), entry.target_item)
                else:  # a compile(loss=parameter)
                    pred, labels = site.open_pred or site.pred, site.labels
                out.append((entry, f"{made}{where}", pred, labels if isinstance(labels, Labels) else None, call,
                            choice))
        return out

    def replay(self, out: Any, steps: tuple[tuple[Any, ...], ...], depth: int = 0) -> Tensor | None:
        """A candidate's output after what the code did to it (unpacking, indexing, reshaping)."""
        if isinstance(out, OpaqueOut):  # the model returns what a model passed to it returns
            inner = self.bound_models(out.source) or self.listed(out.source)
            if depth >= _MAX_NESTING or len({id(m) for m, _ in inner}) != 1:
                return None
            return self.replay(inner[0][0].out, out.steps + steps, depth + 1)
        for step in steps:
            if step[0] == "item":
                index = step[1]
                out = out.items[index] if isinstance(out, Pack) and -len(out.items) <= index < len(out.items) else None
            elif step[0] == "key":
                out = out.get(step[1]) if isinstance(out, dict) else None
            elif step[0] == "shape" and isinstance(out, Tensor):
                out = dataclasses.replace(out.reshaped(), name=out.name)
            elif step[0] == "act":  # torch.sigmoid(net(x)) in the calling file: judged only when net applies it too
                _, act, node, path = step
                doubled = f"{act} already applied by {out.path}:{out.line}" if isinstance(out, Tensor) and \
                    out.act == act and out.when is None else None
                out = Tensor(act, out.units, node, node.lineno, path, doubled=doubled) if doubled else None
        return out if isinstance(out, Tensor) else None

    def sized(self, tensor: Tensor) -> Tensor:
        """A tensor whose size is a parameter, with the size calls give it (when they all agree); a size read from
        the parameter's default gives way to the calls' (unknown when they disagree)."""
        if tensor.units_from is None:
            return tensor
        sizes = {v.value for v, _, _ in self.bound(tensor.units_from)
                 if isinstance(v, Const) and type(v.value) is int}
        if tensor.units is None:
            return dataclasses.replace(tensor, units=sizes.pop()) if len(sizes) == 1 else tensor
        if sizes and sizes != {tensor.units}:
            return dataclasses.replace(tensor, units=sizes.pop() if len(sizes) == 1 else None)
        return tensor

    def _judge_exact(self, summary: Summary, site: Site, entry: cat.LossEntry, loss_desc: str, pred: Tensor,
                     labels: Labels | None, extra: list[str], findings: dict[str, Finding]) -> None:
        pred = self.sized(pred)
        collector = _Collector(summary)
        judged = _site(site, entry, loss_desc, pred, labels)
        judge(collector, judged)
        for rule, (node, detail, evidence) in collector.said.items():
            how = chosen(judged, rule, RULES[rule].severity, evidence + extra)
            if how is None:
                continue
            severity, evidence = how
            findings.setdefault(rule, _finding(summary, rule, node, detail, evidence, severity))

    def _judge_candidates(self, summary: Summary, site: Site, entry: cat.LossEntry, loss_desc: str,
                          pred: OpaqueOut, labels: Labels | None, call: Any, findings: dict[str, Finding]) -> None:
        candidates = self.candidates(summary, pred.source, call)
        if any(step[0] == "key" for step in pred.steps):
            # output["exist"]: the candidates are the models whose output holds that key, among the project's
            # own when none of the nearer ones does
            def keyed(models: list[tuple[Model, str]]) -> list[tuple[Model, str]]:
                return [(m, where) for m, where in models if self.replay(m.out, pred.steps) is not None]
            candidates = keyed(candidates) or keyed(self.project_models(summary.path))
        if not candidates:
            return
        said: dict[str, list[tuple[str, tuple[ast.AST, str, list[str]], Site]]] = defaultdict(list)
        for model, where in candidates:
            tensor = self.replay(model.out, pred.steps)
            if tensor is None:
                continue
            tensor = self.sized(tensor)
            collector = _Collector(summary)
            judged = _site(site, entry, loss_desc, tensor, labels)
            judge(collector, judged)
            for rule, report in collector.said.items():
                said[rule].append((where, report, judged))
        # a branch the code lists whose value the audit cannot follow is a candidate it cannot judge
        unknown = UNKNOWN_MODEL in pred.source.candidates and bool(self.listed(pred.source))
        n = len(candidates) + unknown
        keys = [repr(step[1]) for step in pred.steps if step[0] == "key"]
        if self.listed(pred.source) or self.bound_models(pred.source, call, exact=False):
            origin, scope = f"{pred.source.origin} is one of the models the code lists", "listed"
        elif keys:
            origin = f"{pred.source.origin} holds a model's output, not bound in the audited code"
            scope = f"of the project whose output has the key {keys[-1]}"
        else:
            origin, scope = f"{pred.source.origin} is not bound to a model in the audited code", "of the project"
            everyone = len(self.fallback(summary.path))
            if n == 1 and everyone > 1 and pred.source.hole is not None:
                scope = f"(the one of the project's {everyone} that the name `{pred.source.hole[2]}` names)"
        for rule, hits in said.items():
            if RULES[rule].severity == "info" or chosen(site, rule, "error", []) is None:
                continue
            node, detail, evidence = hits[0][1]
            names = ", ".join(where for where, _, _ in hits[:3]) + (", ..." if len(hits) > 3 else "")
            if len(hits) == n:
                which = "the only candidate model" if n == 1 else f"all {n} candidate models"
                severity, evidence = chosen(hits[0][2], rule, RULES[rule].severity,  # type: ignore[misc]
                                            evidence + [f"model: {origin}; {which} {scope}: {names}"])
                findings.setdefault(rule, _finding(summary, rule, node, detail, evidence, severity))
            elif n <= _MAX_NAMED or scope == "listed":
                detail = f"{detail} ({len(hits)} of {n} candidate models: {names})"
                evidence = evidence + [f"model: {origin}; candidates: "
                                       + ", ".join([where for _, where in candidates[:6]]
                                                   + [UNKNOWN_MODEL.value] * unknown)]
                findings.setdefault(rule, _finding(summary, rule, node, detail, evidence, "warning"))


_OWN_ACTIVATION = {"LM001": "softmax", "LM002": "sigmoid"}  # the activation a loss applies that each rule names


def _named(source: Opaque, candidates: list[tuple[Model, str]]) -> list[tuple[Model, str]]:
    """Of the candidates for an unbound parameter, the one class its name names (``discriminator`` is a
    ``Discriminator``, ``text_encoder`` a ``TextEncoder``), when exactly one does; else all of them."""
    if source.hole is None or len(candidates) < 2:
        return candidates
    wanted = source.hole[2].replace("_", "").lower()
    named = [(model, where) for model, where in candidates if model.name.replace("_", "").lower() == wanted]
    return named if len(named) == 1 else candidates


def _model_name(model: Model) -> str:
    return f"{model.name} ({model.path}:{getattr(model.node, 'lineno', 0)})"


def _site(site: Site, entry: cat.LossEntry, loss_desc: str, pred: Tensor, labels: Labels | None) -> Site:
    return Site(entry, pred, labels, site.metrics, site.node, loss_desc, choice=site.choice)


def _finding(summary: Summary, rule: str, node: Any, detail: str, evidence: list[str],
             severity: str | None = None) -> Finding:
    line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
    finding = make_finding(rule, summary.path, line, col, detail, evidence, severity=severity)  # type: ignore[arg-type]
    return summary.cells.place(finding) if summary.cells else finding


def _option_name(option: Any) -> str:
    """A loss of a choice as the evidence names it: a loss class of the user's by its name."""
    if isinstance(option, LossValue):
        return f"{option.node.name}()" if isinstance(option.node, ast.ClassDef) else option.entry.name
    return option.name


def _loss_entries(value: Any) -> tuple[cat.LossEntry, ...]:
    """The library losses a value passed as a loss applies: a loss object's one, each of a loss class of the
    user's, a Keras loss named by a string."""
    if isinstance(value, LossValue):
        return value.entries
    if isinstance(value, Losses):  # one of several the code picks by branches: each, as a warning naming them
        return tuple(entry for option in value.options for entry in option.entries)
    if isinstance(value, Const) and isinstance(value.value, str):
        entry = cat.loss_for_keras_name(value.value)
        return (entry,) if entry is not None else ()
    return ()


def resolve(analyses: Mapping[str, Any], imports: Mapping[str, Iterable[str]] | None = None,
            roots: Mapping[str, str] | None = None) -> dict[str, list[Finding]]:
    """New findings per file from closing every open site (those a file already has are left out).
    ``imports`` maps each file to the audited files it imports; ``roots`` to its project folder."""
    summaries = {path: a.summary for path, a in analyses.items() if a.summary is not None}
    if not any(s.open_sites for s in summaries.values()):
        return {}
    project = _Project(summaries, imports or {}, roots or {})
    out: dict[str, list[Finding]] = {}
    for path, summary in summaries.items():
        if not summary.open_sites:
            continue
        have = {(f.rule, f.cell, f.line, f.col) for f in analyses[path].findings}
        new: dict[tuple[Any, ...], tuple[int, Finding]] = {}
        for site in summary.open_sites:
            for rank, finding in project.close(summary, site):
                key = (finding.rule, finding.cell, finding.line, finding.col)
                if key not in have and (key not in new or rank < new[key][0]):
                    new[key] = (rank, finding)
        if new:
            out[path] = [finding for _, finding in new.values()]
    return out
