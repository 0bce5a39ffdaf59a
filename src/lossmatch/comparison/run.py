"""``compare``: datasets x pairings x seeds -> runs (written as they finish) -> summary, verdicts, report.

Work is handed to an executor as tasks of one dataset and a block of ``(pairing, seed)`` models (what the
batched engine trains at once); the local executor runs them in this process. Each finished run is written
atomically to ``DIR/runs/<dataset>__<pairing>__seed<k>.json``; ``resume=True`` reuses the runs there whose
training configuration matches and trains only the missing ones.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lossmatch import registry
from lossmatch._io import atomic_write_text, check_writable, remove_stale_temporaries
from lossmatch._messages import expected
from lossmatch.comparison.datasets import DEFAULT, SUITES, Dataset, load_dataset
from lossmatch.comparison.engine import ENGINES, TRAINERS, RunResult, TrainConfig, main_metric, run_key
from lossmatch.comparison.margins import RULE, margin_for, resolve_margins, seeds_warning
from lossmatch.comparison.noise import check_noise
from lossmatch.comparison.stats import summarise, sweep_table, verdicts
from lossmatch.comparison.threads import available_cpus, choose_threads, step_work, torch_threads
from lossmatch.errors import ConfigError

SCHEMA_VERSION = 1
PAIRING_NAMES = tuple(registry.PAIRINGS)
GRID_KEYS = ("hidden", "epochs", "batch_size", "lr", "label_smoothing", "patience", "validation_split", "label_noise")


@dataclass(frozen=True)
class Task:
    """The unit of work: one dataset, one training configuration, a block of ``(pairing, seed)`` models."""

    dataset: Dataset
    jobs: tuple[tuple[str, int], ...]
    config: TrainConfig
    engine: str = "batched"
    setting: str = ""
    threads: int | None = None  # torch intra-op threads; None: chosen from the CPUs and the work (threads.py)

    @property
    def chosen_threads(self) -> int:
        if self.threads is not None:
            return self.threads
        models = len(self.jobs) if self.engine == "batched" else 1
        rows = min(self.config.batch_size, len(self.dataset.x_train))
        widths = [self.dataset.x_train.shape[1], *self.config.hidden, self.dataset.n_classes]
        return choose_threads(step_work(models, rows, widths), available_cpus())

    def run(self) -> list[RunResult]:
        with torch_threads(self.chosen_threads):
            return [dataclasses.replace(r, setting=self.setting)
                    for r in TRAINERS[self.engine](self.dataset, list(self.jobs), self.config)]


class Executor(Protocol):
    def run(self, tasks: Sequence[Task], on_result: Callable[[list[RunResult]], None]) -> None: ...


class LocalExecutor:
    """Runs the tasks one after another in this process."""

    def run(self, tasks: Sequence[Task], on_result: Callable[[list[RunResult]], None]) -> None:
        for task in tasks:
            on_result(task.run())


@dataclass
class CompareResult:
    config: dict[str, Any]
    datasets: list[dict[str, Any]]
    runs: list[RunResult]
    summary: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def settings(self) -> list[str]:
        """Sweep settings in order (``[""]`` without a grid)."""
        return [s["setting"] for s in self.config.get("settings", [])] or [""]

    @property
    def sweep(self) -> list[dict[str, Any]]:
        """Per setting and mismatched pairing: worse / same / better counts across datasets on the main metric."""
        return sweep_table(self.verdicts, {d["name"]: d["main_metric"] for d in self.datasets})

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "config": self.config, "datasets": self.datasets,
                "runs": [run.to_dict() for run in self.runs], "summary": self.summary, "verdicts": self.verdicts,
                "sweep": self.sweep, "warnings": self.warnings}

    def to_frame(self):
        """One row per run and metric: dataset, pairing, seed, metric, value (pandas)."""
        import pandas as pd

        return pd.DataFrame([{"dataset": r.dataset, "pairing": r.pairing, "seed": r.seed, "metric": m, "value": v}
                             for r in self.runs for m, v in r.metrics.items()])

    def save(self, directory: str | os.PathLike[str], *, report: bool = True) -> Path:
        """Write ``results.json`` (and ``report.html`` with ``figures/``) into ``directory``."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "results.json", json.dumps(finite(self.to_dict()), indent=1) + "\n")
        if report:
            from lossmatch.comparison.report import write_report

            write_report(self, out)
        return out


def finite(value: Any) -> Any:
    """NaN/inf -> None (null), so results.json and the CLI's JSON are strict JSON (a hinge model's log loss)."""
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def resolve_datasets(names: Iterable[str]) -> list[str]:
    """Expand suite names (``mulan``) and drop repeats, keeping order."""
    out: list[str] = []
    for name in names:
        out.extend(SUITES.get(str(name), (str(name),)))
    return list(dict.fromkeys(out))


# Accepted ranges of the training options: wide enough for any real study, narrow enough that a typo
# (--epochs 99999999999999999999) is an error line rather than hours of work or the OOM killer.
MAX_SEEDS = 1_000
MAX_EPOCHS = 100_000
MAX_BATCH_SIZE = 1_000_000
MAX_WIDTH = 8_192
MAX_LAYERS = 16
MAX_MODELS_PER_TASK = 100_000
MAX_THREADS = 1_024


def _int_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _number_in(value: Any, low: float, high: float, *, low_open: bool = False, high_open: bool = False) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and math.isnan(value)):
        return False
    return (low < value if low_open else low <= value) and (value < high if high_open else value <= high)


def _check(pairings: Sequence[str], seeds: int, engine: str, *, epochs: int, hidden: Sequence[int], batch_size: int,
           lr: float, label_smoothing: float, patience: int, validation_split: float, label_noise: float = 0.0,
           noise: str = "symmetric") -> None:
    for name in pairings:
        registry.pairing(name)
    if not pairings:
        raise ConfigError(expected("pairings", f"name at least one of {', '.join(PAIRING_NAMES)}", "none"))
    checks = [
        ("seeds", _int_in(seeds, 2, MAX_SEEDS), f"be an integer in [2, {MAX_SEEDS}] (intervals need two seeds)", seeds),
        ("epochs", _int_in(epochs, 1, MAX_EPOCHS), f"be an integer in [1, {MAX_EPOCHS}]", epochs),
        ("batch_size", _int_in(batch_size, 1, MAX_BATCH_SIZE), f"be an integer in [1, {MAX_BATCH_SIZE}]", batch_size),
        ("lr", _number_in(lr, 0, 10, low_open=True, high_open=True), "be a learning rate in (0, 10)", lr),
        ("hidden", len(hidden) <= MAX_LAYERS and all(_int_in(h, 1, MAX_WIDTH) for h in hidden),
         f"list at most {MAX_LAYERS} layer widths in [1, {MAX_WIDTH}]", list(hidden)),
        ("engine", engine in ENGINES, f"be one of {', '.join(ENGINES)}", engine),
        ("label_smoothing", _number_in(label_smoothing, 0, 1, high_open=True), "be in [0, 1)", label_smoothing),
        ("patience", _int_in(patience, 0, MAX_EPOCHS), f"be a number of epochs in [0, {MAX_EPOCHS}] (0: no early stopping)",
         patience),
        ("validation_split", _number_in(validation_split, 0, 1, low_open=True, high_open=True), "be in (0, 1)",
         validation_split),
    ]
    for name, ok, rule, got in checks:
        if not ok:
            raise ConfigError(expected(name, rule, repr(got)))
    check_noise(label_noise, noise)


def _show(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "x".join(str(v) for v in value) or "0"
    return f"{value:g}" if isinstance(value, float) else str(value)


def expand_grid(grid: Mapping[str, Sequence[Any]] | None) -> list[dict[str, Any]]:
    """The cartesian product of a grid ``{key: [values]}`` over compare's training options, in the order given:
    ``[{key: value, ...}, ...]`` (``[{}]`` without a grid). Keys must be in :data:`GRID_KEYS`."""
    if not grid:
        return [{}]
    for key, values in grid.items():
        if key not in GRID_KEYS:
            raise ConfigError(expected("grid key", f"be one of compare's options ({', '.join(GRID_KEYS)})", repr(key)))
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) == 0:
            raise ConfigError(expected(f"grid values of {key}", "be a non-empty list", repr(values)))
    keys = list(grid)
    combos = [dict(zip(keys, combo)) for combo in itertools.product(*(grid[k] for k in keys))]
    return list({setting_label(c): c for c in combos}.values())


def setting_label(values: Mapping[str, Any]) -> str:
    """``lr=0.001 hidden=128x128``: how a sweep setting is named in runs, tables and the report."""
    return " ".join(f"{key}={_show(value)}" for key, value in values.items())


def compare(
    datasets: Sequence[str | os.PathLike[str]] = DEFAULT,
    *,
    labels: str | os.PathLike[str] | None = None,
    label_sep: str | None = None,
    no_split: bool = False,
    pairings: Sequence[str] = registry.DEFAULT_PAIRINGS,
    seeds: int = 5,
    epochs: int = 30,
    hidden: Sequence[int] = (64,),
    batch_size: int = 64,
    lr: float = 3e-3,
    label_smoothing: float = 0.0,
    patience: int = 0,
    validation_split: float = 0.1,
    label_noise: float = 0.0,
    noise: str = "symmetric",
    engine: str = "batched",
    grid: Mapping[str, Sequence[Any]] | None = None,
    margins: Mapping[str, str | float] | None = None,
    threads: int | None = None,
    models_per_task: int | None = None,
    out: str | os.PathLike[str] | None = None,
    resume: bool = False,
    report: bool = True,
    executor: Executor | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> CompareResult:
    """Train every pairing on every dataset for ``seeds`` seeds and compare each with the matched pairing.

    Args:
        datasets: bundled names (``digits``, ``breast_cancer``, ``yeast``, ...), the suite ``mulan``, or files
            (see :func:`lossmatch.comparison.datasets.load_dataset`; ``labels``, ``label_sep`` and ``no_split`` are
            passed on to it).
        pairings: activation+loss pairings from the registry (default: the four activation x cross-entropy
            pairings; ``softmax+gce``, ``softmax+sce``, ``softmax+mse``, ``linear+hinge`` on request).
        seeds, epochs, hidden, batch_size, lr, label_smoothing: the paired design and the training.
        patience: early stopping per model after this many epochs without a lower validation loss, keeping
            the best epoch's weights (Keras' ``EarlyStopping(restore_best_weights=True)``); 0 trains every epoch.
        validation_split: share of the training rows held out for early stopping (seed 0, stratified).
        label_noise, noise: corrupt this share of each seed's training labels, the same for every pairing of the
            seed (``symmetric``: another class drawn uniformly; ``pairflip``: the next class; multi-label: each bit
            flipped with this probability); test labels stay clean (see :mod:`lossmatch.comparison.noise`).
        engine: ``batched`` (all models of a dataset at once) or ``sequential`` (one ``nn.Module`` at a time).
        grid: a sweep: ``{option: [values]}`` over :data:`GRID_KEYS` (e.g. ``{"lr": [1e-3, 3e-3], "hidden":
            [(64,), (128, 128)]}``); every combination is a setting that overrides the options above.
        margins: the smallest differences that matter, ``{key: value}`` (see
            :func:`lossmatch.comparison.margins.resolve_margins`): a key is a metric (``top1_accuracy``), a family
            (``accuracy``, ``f1``, ...) or ``all``; a value is absolute (``0.02``) or a share of the matched
            pairing's mean (``"5%"``). A verdict is ``worse``/``better`` only beyond its interval and its margin,
            ``same`` when the interval lies within +-margin, else ``inconclusive``.
        threads: torch intra-op threads per task; None chooses from the CPUs this process may use and the size
            of a training step (small MLPs get one thread: see :mod:`lossmatch.comparison.threads`).
        models_per_task: split each dataset x setting block of ``(pairing, seed)`` models into tasks of at most
            this many (more, smaller tasks for many workers); None keeps one task per dataset and setting.
        out: directory for ``runs/``, ``results.json``, ``report.html`` and ``figures/``; nothing is written
            when None.
        resume: reuse the finished runs in ``out/runs`` that have the same training configuration.
        report: also write ``report.html`` and the figures.
        executor: where tasks run (default: this process; see :class:`lossmatch.comparison.distributed.RayExecutor`).
        progress: ``callback(done_models, total_models, message)``.
    """
    pairings = list(dict.fromkeys(pairings))
    base = dict(hidden=tuple(hidden), epochs=epochs, batch_size=batch_size, lr=lr, label_smoothing=label_smoothing,
                patience=patience, validation_split=validation_split, label_noise=label_noise, noise=noise)
    configs: dict[str, TrainConfig] = {}
    for values in expand_grid(grid):
        hidden_value = values.get("hidden", base["hidden"])
        merged = {**base, **values, "hidden": (hidden_value,) if isinstance(hidden_value, int) else tuple(hidden_value)}
        _check(pairings, seeds, engine, **merged)
        floats = {key: float(merged[key]) for key in ("lr", "label_smoothing", "validation_split", "label_noise")}
        configs[setting_label(values)] = TrainConfig(**{**merged, **floats})
    margin_table = resolve_margins(margins)
    if threads is not None and not _int_in(threads, 1, MAX_THREADS):
        raise ConfigError(expected("threads", f"be an integer in [1, {MAX_THREADS}]", repr(threads)))
    if models_per_task is not None and not _int_in(models_per_task, 1, MAX_MODELS_PER_TASK):
        raise ConfigError(expected("models_per_task", f"be an integer in [1, {MAX_MODELS_PER_TASK}]", repr(models_per_task)))
    if out is not None:
        check_writable(out, "out")  # before any dataset is read or model trained
    loaded = [load_dataset(spec, labels=labels, label_sep=label_sep, no_split=no_split) for spec in resolve_datasets(datasets)]
    names = [d.name for d in loaded]
    if len(set(names)) != len(names):
        raise ConfigError(expected("datasets", "have distinct names", ", ".join(names)))
    runs_dir = Path(out) / "runs" if out is not None else None
    if resume and out is not None:  # a run killed between write and rename left its temporary file
        for folder in (Path(out), runs_dir, Path(out) / "figures"):
            remove_stale_temporaries(folder)
    finished = _load_finished(runs_dir, configs) if resume and runs_dir is not None else {}
    tasks, runs = [], []
    jobs = [(p, s) for p in pairings for s in range(seeds)]
    for setting, config in configs.items():
        for dataset in loaded:
            keys = {job: run_key(dataset.name, *job, setting) for job in jobs}
            runs.extend(finished[keys[j]] for j in jobs if keys[j] in finished)
            missing = [j for j in jobs if keys[j] not in finished]
            size = models_per_task or max(len(missing), 1)
            tasks.extend(Task(dataset, tuple(missing[i:i + size]), config, engine, setting, threads)
                         for i in range(0, len(missing), size))
    total, done, tasks_done = sum(len(t.jobs) for t in tasks), 0, 0

    seen: set[str] = set()

    def on_result(results: list[RunResult]) -> None:
        nonlocal done, tasks_done
        results = [r for r in results if r.key not in seen]  # a retried task reports once; never count it twice
        seen.update(r.key for r in results)
        for result in results:
            if runs_dir is not None:
                runs_dir.mkdir(parents=True, exist_ok=True)
                atomic_write_text(runs_dir / f"{result.key}.json", json.dumps(finite(result.to_dict())) + "\n")
            runs.append(result)
        done += len(results)
        tasks_done += 1
        if progress is not None and results:
            where = f"{results[0].dataset} {results[0].setting}".strip()
            progress(done, total, f"task {tasks_done}/{len(tasks)}, {where}")

    if progress is not None:
        progress(0, total, f"{len(tasks)} task{'' if len(tasks) == 1 else 's'}")
    (executor or LocalExecutor()).run(tasks, on_result)
    order = {key: i for i, key in enumerate(itertools.product(configs, names, pairings, range(seeds)))}
    runs.sort(key=lambda r: order[(r.setting, r.dataset, r.pairing, r.seed)])
    first = next(iter(configs.values()))
    measured = dict.fromkeys(metric for run in runs for metric in run.metrics)  # in the order they are reported
    result = CompareResult(
        config={**first.to_dict(), "pairings": pairings, "seeds": seeds, "engine": engine, "threads": threads or "auto",
                "datasets": names, "interval": "95% Student-t over seeds (paired differences for verdicts)",
                "grid": {k: [list(v) if isinstance(v, tuple) else v for v in vs] for k, vs in (grid or {}).items()},
                "settings": [{"setting": label, **c.to_dict()} for label, c in configs.items()],
                "verdict_rule": RULE,
                "margins": {metric: str(margin_for(metric, margin_table)) for metric in measured}},
        datasets=[{**d.to_dict(), "main_metric": main_metric(d.task), "label_names": list(d.label_names)} for d in loaded],
        runs=runs,
        summary=summarise(runs),
        verdicts=verdicts(runs, {d.name: d.task for d in loaded}, {d.name: d.n_classes for d in loaded}, margin_table),
        warnings=[w for w in (seeds_warning(seeds),) if w],
    )
    if out is not None:
        result.save(out, report=report)
    return result


def _load_finished(runs_dir: Path, configs: Mapping[str, TrainConfig]) -> dict[str, RunResult]:
    """Finished runs whose setting and training configuration are asked for again; unreadable files and other
    configurations are retrained."""
    finished: dict[str, RunResult] = {}
    if not runs_dir.is_dir():
        return finished
    wanted = {label: config.to_dict() for label, config in configs.items()}
    for path in sorted(runs_dir.glob("*.json")):
        try:
            run = RunResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            continue
        if wanted.get(run.setting) == run.config and path.stem == run.key:
            finished[run.key] = run
    return finished
