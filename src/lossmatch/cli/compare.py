"""``lossmatch compare``: train matched and mismatched pairings side by side and report the divergence."""

from __future__ import annotations

from pathlib import Path

import typer

from lossmatch._messages import expected
from lossmatch.cli._output import Format, echo, emit_json, hint, resolve_format, stderr_console, warn
from lossmatch.errors import ConfigError

SUMMARY_METRICS = {"multilabel": ("f1_micro", "exact_match", "hamming_loss", "binary_accuracy"),
                   "single": ("top1_accuracy", "binary_accuracy", "f1_macro", "log_loss")}


def parse_hidden(text: str) -> tuple[int, ...]:
    """``64`` or ``64,64`` (also ``128x128``) -> layer widths; ``0`` or empty -> no hidden layer."""
    parts = [p for p in text.replace("x", ",").split(",") if p.strip()]
    try:
        widths = tuple(int(p) for p in parts)
    except ValueError:
        raise ConfigError(expected("--hidden", "list layer widths like 64 or 128,64", repr(text))) from None
    if any(w < 0 for w in widths):
        raise ConfigError(expected("--hidden", "list non-negative layer widths", repr(text)))
    return tuple(w for w in widths if w > 0)


_INT_KEYS = ("epochs", "batch_size", "patience")  # grid values parsed as integers; the rest are floats


def parse_grid(items: list[str]) -> dict[str, list]:
    """Repeatable ``KEY=V1,V2,...`` -> ``{key: [values]}``; ``hidden`` values use ``x`` between layers (``128x128``)."""
    from lossmatch.comparison.run import GRID_KEYS

    grid: dict[str, list] = {}
    for item in items:
        key, sep, values = item.partition("=")
        key = key.strip().replace("-", "_")
        parts = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not key or not parts:
            raise ConfigError(expected("--grid", "look like KEY=V1,V2,... (e.g. lr=1e-3,3e-3)", repr(item)))
        if key not in GRID_KEYS:
            raise ConfigError(expected("--grid key", f"be one of compare's options ({', '.join(GRID_KEYS)})", repr(key)))
        if key in grid:
            raise ConfigError(expected("--grid", "name each key once", f"{key} twice"))
        try:
            if key == "hidden":
                grid[key] = [parse_hidden(v) for v in parts]
            else:
                grid[key] = [int(v) if key in _INT_KEYS else float(v) for v in parts]
        except ValueError:
            kind = "integers" if key in _INT_KEYS else "numbers"
            raise ConfigError(expected(f"--grid {key}", f"list {kind}", repr(values))) from None
    return grid


def parse_margins(items: list[str]) -> dict[str, str]:
    """Repeatable ``--margin``: ``KEY=VALUE`` for a metric or family (``accuracy=0.02``, ``log_loss=10%``), or a bare
    ``VALUE`` for every metric; values are checked by :func:`lossmatch.comparison.margins.resolve_margins`."""
    from lossmatch.comparison.margins import EVERY_METRIC

    margins: dict[str, str] = {}
    for item in items:
        key, sep, value = item.rpartition("=")
        key = key.strip().replace("-", "_") if sep else EVERY_METRIC
        if sep and not key or not value.strip():
            raise ConfigError(expected("--margin", "look like KEY=VALUE or VALUE (e.g. accuracy=0.02, log_loss=10%, 0.02)",
                                       repr(item)))
        if key in margins:
            raise ConfigError(expected("--margin", "name each key once", f"{key} twice"))
        margins[key] = value.strip()
    return margins


def register(app: typer.Typer) -> None:
    @app.command("compare")
    def compare_command(
        datasets: list[str] = typer.Argument(None, help="Bundled names (digits, breast_cancer, yeast, emotions, ...), "
                                                       "'mulan', or files. Default: digits breast_cancer yeast."),
        labels: str = typer.Option(None, "--labels", help="Label file for a features file, or label column(s) of a table."),
        label_sep: str = typer.Option(None, "--label-sep", help="Separator of label sets in one string, e.g. '|' "
                                      "(found without it when the strings recombine a small set of labels)."),
        no_split: bool = typer.Option(False, "--no-split", help="Read each label string as one class, never as a label set."),
        pairings: str = typer.Option("softmax+cce,sigmoid+bce,softmax+bce,sigmoid+cce", "--pairings", help="Comma-separated "
                                     "pairings; also softmax+gce, softmax+sce (robust to label noise), softmax+mse, linear+hinge."),
        seeds: int = typer.Option(5, "--seeds", help="Seeds per pairing (>= 2, for intervals)."),
        epochs: int = typer.Option(30, "--epochs", help="Training epochs."),
        hidden: str = typer.Option("64", "--hidden", help="Hidden layer widths, e.g. 64 or 128,64."),
        batch_size: int = typer.Option(64, "--batch-size", help="Minibatch size."),
        lr: float = typer.Option(3e-3, "--lr", help="Adam learning rate."),
        label_smoothing: float = typer.Option(0.0, "--label-smoothing", help="Label smoothing applied to every pairing's loss."),
        patience: int = typer.Option(0, "--early-stopping", metavar="PATIENCE",
                                     help="Stop a model after PATIENCE epochs without a lower validation loss (0: off)."),
        validation_split: float = typer.Option(0.1, "--validation-split", help="Share of train held out for early stopping."),
        label_noise: float = typer.Option(0.0, "--label-noise", metavar="RATE", help="Corrupt this share of the training "
                                          "labels, the same for every pairing of a seed (multi-label: flip each bit with "
                                          "this probability); test labels stay clean."),
        noise: str = typer.Option("symmetric", "--noise", help="symmetric (another class, uniformly) or pairflip (the next class)."),
        engine: str = typer.Option("batched", "--engine", help="batched (all models at once) or sequential."),
        suite: list[str] = typer.Option(None, "--suite", help="Add a suite of bundled datasets: mulan (9 MULAN sets)."),
        grid: list[str] = typer.Option(None, "--grid", metavar="KEY=V1,V2", help="Sweep an option over values "
                                       "(repeatable; the cartesian product), e.g. lr=1e-3,3e-3 or hidden=64,128x128."),
        margin: list[str] = typer.Option(None, "--margin", metavar="[KEY=]VALUE", help="Smallest difference that "
                                         "matters (repeatable): accuracy=0.02, log_loss=10% (of the matched pairing's "
                                         "mean), or 0.02 for every metric. Defaults: 0.01 for accuracies/F1/exact "
                                         "match, 0.005 Hamming loss, 5% log loss/ECE."),
        threads: int = typer.Option(None, "--threads", help="torch threads per training task (default: chosen from the "
                                    "CPUs this process may use and the model size; small MLPs get 1)."),
        executor: str = typer.Option("local", "--executor", help="local (this process) or ray."),
        ray_address: str = typer.Option(None, "--ray-address", help="Ray cluster: auto, HOST:PORT or ray://HOST:PORT "
                                        "(default: start a local Ray instance with this machine's cores)."),
        models_per_task: int = typer.Option(None, "--models-per-task", help="Split each dataset x setting into tasks "
                                            "of at most this many models."),
        out: Path = typer.Option(Path("lossmatch-report"), "--out", help="Output directory."),
        resume: bool = typer.Option(False, "--resume", help="Reuse finished runs in --out/runs."),
        no_report: bool = typer.Option(False, "--no-report", help="Skip report.html and figures."),
        fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
        json_flag: bool = typer.Option(False, "--json", help="Alias of --format json."),
    ) -> None:
        """Train every pairing on every dataset for several seeds; compare each with the matched pairing."""
        from lossmatch._io import check_writable
        from lossmatch.comparison import compare
        from lossmatch.comparison.run import finite
        from lossmatch.comparison.datasets import DEFAULT, SUITES
        from lossmatch.comparison.distributed import make_executor

        check_writable(out, "--out")
        for name in suite or []:
            if name not in SUITES:
                raise ConfigError(expected("--suite", f"be one of {', '.join(SUITES)}", repr(name)))
        names = [*(datasets or ([] if suite else DEFAULT)), *(suite or [])]
        sweep = parse_grid(list(grid or []))
        margins = parse_margins(list(margin or []))
        runner = make_executor(executor, ray_address)
        console = stderr_console()
        with _progress(console) as update:
            result = compare(names, labels=labels, label_sep=label_sep, no_split=no_split, pairings=[p.strip() for p in pairings.split(",") if p.strip()],
                             seeds=seeds, epochs=epochs, hidden=parse_hidden(hidden), batch_size=batch_size, lr=lr,
                             label_smoothing=label_smoothing, patience=patience, validation_split=validation_split,
                             label_noise=label_noise, noise=noise, engine=engine, grid=sweep, margins=margins, threads=threads, models_per_task=models_per_task, out=out, resume=resume,
                             report=not no_report, executor=runner, progress=update)
        for message in result.warnings:
            warn(message)
        if resolve_format(fmt, json_flag) == "json":
            emit_json(finite({"out": str(out), "verdict_rule": result.config["verdict_rule"], "margins": result.config["margins"],
                       "warnings": result.warnings, "summary": result.summary, "verdicts": result.verdicts}))
            return
        echo(render_text(result))
        where = out / ("results.json" if no_report else "report.html")
        hint(f"wrote {where}")


class _progress:
    """A rich progress bar on stderr fed by compare's ``progress(done, total, message)`` callback: models done of
    total, tasks done (in the message), runs per second and the time left."""

    def __init__(self, console) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        self._bar = Progress(TextColumn("training {task.description}"), BarColumn(), MofNCompleteColumn(),
                             TaskProgressColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                             TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=True)
        self._task = None

    def __enter__(self):
        if not self._bar.console.is_terminal:  # logs and pipes get no bar (and no stray lines around errors)
            return lambda done, total, message: None
        self._bar.__enter__()

        def update(done: int, total: int, message: str) -> None:
            if self._task is None:
                self._task = self._bar.add_task("models", total=total, rate="")
            task = self._bar.tasks[self._task]
            rate = f"{done / task.elapsed:.1f} runs/s" if task.elapsed and done else ""
            self._bar.update(self._task, completed=done, rate=rate,
                             description=f"models ({message})" if message else "models")

        return update

    def __exit__(self, *exc) -> None:
        if self._bar.console.is_terminal:
            self._bar.__exit__(*exc)


def render_text(result) -> str:
    lines = []
    cells = {(s["setting"], s["dataset"], s["pairing"], s["metric"]): s for s in result.summary}
    verdict = {(v["setting"], v["dataset"], v["pairing"], v["metric"]): v["verdict"] for v in result.verdicts}
    not_defined = {(r.setting, r.dataset, r.pairing, m) for r in result.runs for m in r.extra.get("not_defined", ())}
    for setting in dict.fromkeys(r.setting for r in result.runs):
        if setting:
            lines.append(f"== {setting}")
        for dataset in result.datasets:
            metrics = SUMMARY_METRICS["multilabel" if dataset["task"] == "multilabel" else "single"]
            lines.append(f"{dataset['name']} ({dataset['task']}, {dataset['n_classes']} "
                         f"{'labels' if dataset['task'] == 'multilabel' else 'classes'}, {dataset['n_test']} test rows)")
            lines.append("  " + f"{'pairing':<14}" + "".join(f"{m:>28}" for m in metrics))
            pairings = list(dict.fromkeys(r.pairing for r in result.runs if r.dataset == dataset["name"] and r.setting == setting))
            for pairing in pairings:
                row = []
                for metric in metrics:
                    key = (setting, dataset["name"], pairing, metric)
                    if key in not_defined:  # a hinge model's scores are no probabilities
                        row.append("not defined".rjust(28))
                        continue
                    cell = cells[key]
                    mark = " " + verdict.get(key, "base")
                    half = (cell["ci_high"] - cell["ci_low"]) / 2 if cell["ci_low"] == cell["ci_low"] else float("nan")
                    row.append(f"{cell['mean']:.3f} +-{half:.3f}{mark}".rjust(28))
                lines.append("  " + f"{pairing:<14}" + "".join(row))
    lines.append("verdicts against the matched pairing (base): " + result.config["verdict_rule"])
    return "\n".join(lines)
