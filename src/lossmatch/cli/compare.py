"""``lossmatch compare``: train matched and mismatched pairings side by side and report the divergence."""

from __future__ import annotations

from pathlib import Path

import typer

from lossmatch._messages import expected
from lossmatch.cli._output import FORMAT_METAVAR, Format, echo, emit_json, hint, resolve_format, stderr_console, warn
from lossmatch.cli._progress import make_progress
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


def label_source(labels: str | None, columns: list[str]) -> str | None:
    """compare's ``labels=`` from ``--labels FILE`` or ``--column NAME`` (repeated, or comma-separated). ``--labels``
    naming a column, as it did before ``--column``, still works: compare reads a string that names columns of a
    table as those columns."""
    if labels is not None and columns:
        raise ConfigError(expected("labels", "come from --labels FILE or --column NAME", "both"))
    return ",".join(columns) if columns else labels


def register(app: typer.Typer) -> None:
    @app.command("compare", short_help="Train matched and mismatched pairings; measure what mismatch costs.")
    def compare_command(
        datasets: list[str] = typer.Argument(None, metavar="[DATASET]...", help="Bundled names (digits, breast_cancer, "
                                             "yeast, emotions, ...), 'mulan', or files. Default: digits breast_cancer yeast."),
        column: list[str] = typer.Option(None, "--column", metavar="NAME", help="Label column(s) of a table (repeat for "
                                         "several); default: the one column called label, labels, target, y, class or tags."),
        labels: str = typer.Option(None, "--labels", metavar="FILE", help="Labels file for a features file (X.npy "
                                   "--labels y.npy)."),
        label_sep: str = typer.Option(None, "--label-sep", metavar="SEP", help="Separator of label sets in one string, e.g. '|' "
                                      "(found without it when the strings recombine a small set of labels)."),
        no_split: bool = typer.Option(False, "--no-split", help="Read each label string as one class, never as a label set."),
        pairings: str = typer.Option("softmax+cce,sigmoid+bce,softmax+bce,sigmoid+cce", "--pairings", metavar="LIST",
                                     show_default=False, help="Comma-separated pairings. Default: softmax+cce, sigmoid+bce, "
                                     "softmax+bce, sigmoid+cce; also softmax+gce, softmax+sce (robust to label noise), "
                                     "softmax+mse, linear+hinge."),
        seeds: int = typer.Option(5, "--seeds", metavar="N", help="Seeds per pairing (>= 2, for intervals)."),
        epochs: int = typer.Option(30, "--epochs", metavar="N", help="Training epochs."),
        hidden: str = typer.Option("64", "--hidden", metavar="WIDTHS", help="Hidden layer widths, e.g. 64 or 128,64."),
        batch_size: int = typer.Option(64, "--batch-size", metavar="N", help="Minibatch size."),
        lr: float = typer.Option(3e-3, "--lr", metavar="RATE", help="Adam learning rate."),
        label_smoothing: float = typer.Option(0.0, "--label-smoothing", metavar="EPS", help="Label smoothing applied to every pairing's loss."),
        patience: int = typer.Option(0, "--early-stopping", metavar="PATIENCE",
                                     help="Stop a model after PATIENCE epochs without a lower validation loss (0: off)."),
        validation_split: float = typer.Option(0.1, "--validation-split", metavar="SHARE", help="Share of train held out for early stopping."),
        label_noise: float = typer.Option(0.0, "--label-noise", metavar="RATE", help="Corrupt this share of the training "
                                          "labels, the same for every pairing of a seed (multi-label: flip each bit with "
                                          "this probability); test labels stay clean."),
        noise: str = typer.Option("symmetric", "--noise", metavar="symmetric|pairflip", help="symmetric (another class, uniformly) or pairflip (the next class)."),
        engine: str = typer.Option("batched", "--engine", metavar="batched|sequential", help="batched (all models at once) or sequential."),
        suite: list[str] = typer.Option(None, "--suite", metavar="NAME", help="Add a suite of bundled datasets: mulan (9 MULAN sets)."),
        grid: list[str] = typer.Option(None, "--grid", metavar="KEY=V1,V2", help="Sweep an option over values "
                                       "(repeatable; the cartesian product), e.g. lr=1e-3,3e-3 or hidden=64,128x128."),
        margin: list[str] = typer.Option(None, "--margin", metavar="[KEY=]VALUE", help="Smallest difference that "
                                         "matters (repeatable): accuracy=0.02, log_loss=10% (of the matched pairing's "
                                         "mean), or 0.02 for every metric. Defaults: 0.01 for accuracies/F1/exact "
                                         "match, 0.005 Hamming loss, 5% log loss/ECE/Brier (at least 0.005)."),
        threads: int = typer.Option(None, "--threads", metavar="N", help="torch threads per training task (default: chosen from the "
                                    "CPUs this process may use and the model size; small MLPs get 1)."),
        executor: str = typer.Option("local", "--executor", metavar="local|ray", help="local (this process) or ray."),
        ray_address: str = typer.Option(None, "--ray-address", metavar="ADDRESS", help="Ray cluster: auto, HOST:PORT or ray://HOST:PORT "
                                        "(default: start a local Ray instance with this machine's cores)."),
        models_per_task: int = typer.Option(None, "--models-per-task", metavar="N", help="Split each dataset x setting into tasks "
                                            "of at most this many models."),
        out: Path = typer.Option(Path("lossmatch-report"), "--out", metavar="DIR", help="Output directory."),
        resume: bool = typer.Option(False, "--resume", help="Reuse finished runs in --out/runs."),
        no_report: bool = typer.Option(False, "--no-report", help="Skip report.html and figures."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the verdict sentences (and warnings and "
                                   "errors): no progress, table or legend."),
        fmt: Format = typer.Option(Format.text, "--format", metavar=FORMAT_METAVAR, help="Output format."),
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
        labels = label_source(labels, list(column or []))
        progress = make_progress(stderr_console(), quiet=quiet)
        try:
            runner = make_executor(executor, ray_address, status=progress.status)
            result = compare(names, labels=labels, label_sep=label_sep, no_split=no_split, pairings=[p.strip() for p in pairings.split(",") if p.strip()],
                             seeds=seeds, epochs=epochs, hidden=parse_hidden(hidden), batch_size=batch_size, lr=lr,
                             label_smoothing=label_smoothing, patience=patience, validation_split=validation_split,
                             label_noise=label_noise, noise=noise, engine=engine, grid=sweep, margins=margins, threads=threads, models_per_task=models_per_task, out=out, resume=resume,
                             report=not no_report, executor=runner, progress=progress.update)
        finally:
            progress.close()
        for message in result.warnings:
            warn(message)
        if resolve_format(fmt, json_flag) == "json":
            emit_json(finite({"out": str(out), "verdict_rule": result.config["verdict_rule"], "margins": result.config["margins"],
                       "warnings": result.warnings, "summary": result.summary, "verdicts": result.verdicts}))
            return
        text = render_text(result, text_width(), quiet=quiet)
        if text:
            echo(text)
        if not quiet:
            hint(f"wrote {out / ('results.json' if no_report else 'report.html')}")


def text_width() -> int:
    """The width text output is laid out for: ``COLUMNS``, else the terminal's, else 80 (a pipe or a file)."""
    import shutil

    return max(shutil.get_terminal_size((80, 24)).columns, 40)


def _cell(cell: dict | None, verdict: str) -> str:
    """``0.977 +-0.001 same``: the mean, the half-width of its 95% interval and the verdict."""
    if cell is None or cell["mean"] != cell["mean"]:
        return f"n/a {verdict}"
    if cell["ci_low"] != cell["ci_low"] or cell["ci_high"] != cell["ci_high"]:
        return f"{cell['mean']:.3f} {verdict}"
    return f"{cell['mean']:.3f} +-{(cell['ci_high'] - cell['ci_low']) / 2:.3f} {verdict}"


def _blocks(names: list[str], widths: list[int], room: int) -> list[list[int]]:
    """Column indices in blocks that fit ``room`` characters (two spaces before each column), as even as possible."""
    fits = 1
    while fits < len(names) and sum(sorted(widths, reverse=True)[:fits + 1]) + 2 * (fits + 1) <= room:
        fits += 1
    count = -(-len(names) // fits)
    size = -(-len(names) // count)
    return [list(range(i, min(i + size, len(names)))) for i in range(0, len(names), size)]


def _table(rows: list[tuple[str, list[str]]], metrics: list[str], width: int) -> list[str]:
    """A pairing per row and a metric per column; columns that do not fit ``width`` go to a block below."""
    first = max(len("pairing"), *(len(name) for name, _ in rows))
    widths = [max(len(metric), *(len(cells[i]) for _, cells in rows)) for i, metric in enumerate(metrics)]
    lines = []
    for block in _blocks(metrics, widths, width - 2 - first):
        lines.append("  " + "pairing".ljust(first) + "".join(f"  {metrics[i]:<{widths[i]}}" for i in block).rstrip())
        lines += ["  " + name.ljust(first) + "".join(f"  {cells[i]:<{widths[i]}}" for i in block).rstrip()
                  for name, cells in rows]
    return lines


def _wrap(text: str, width: int, indent: str = "", hang: str = "") -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=hang or indent,
                         break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]


def render_text(result, width: int = 80, *, quiet: bool = False) -> str:
    """The terminal summary, every line within ``width``: per setting and dataset a table of each pairing's
    headline metrics, a legend, the verdict sentences on each dataset's main metric, then once per mismatched
    pairing what it does to the outputs (the end of each of its explanations). ``quiet``: the verdict sentences."""
    from lossmatch.comparison.stats import pairing_words

    cells = {(s["setting"], s["dataset"], s["pairing"], s["metric"]): s for s in result.summary}
    verdict = {(v["setting"], v["dataset"], v["pairing"], v["metric"]): v for v in result.verdicts}
    not_defined = {(r.setting, r.dataset, r.pairing, m) for r in result.runs for m in r.extra.get("not_defined", ())}
    settings = list(dict.fromkeys(r.setting for r in result.runs))
    tables, sentences, why = [], [], {}
    for setting in settings:
        if setting:
            tables.append(f"== {setting}")
            sentences.append(f"== {setting}")
        for dataset in result.datasets:
            name = dataset["name"]
            pairings = list(dict.fromkeys(r.pairing for r in result.runs if r.dataset == name and r.setting == setting))
            if not pairings:
                continue
            metrics = list(SUMMARY_METRICS["multilabel" if dataset["task"] == "multilabel" else "single"])
            rows = []
            for pairing in pairings:
                row = []
                for metric in metrics:
                    key = (setting, name, pairing, metric)
                    if key in not_defined:  # a hinge model's scores are no probabilities
                        row.append("not defined")
                    else:
                        row.append(_cell(cells.get(key), verdict[key]["verdict"] if key in verdict else "base"))
                rows.append((pairing, row))
            unit = "labels" if dataset["task"] == "multilabel" else "classes"
            tables += _wrap(f"{name} ({dataset['task']}, {dataset['n_classes']} {unit}, {dataset['n_test']} test rows)", width)
            tables += _table(rows, metrics, width)
            main = dataset["main_metric"]
            said = [verdict[(setting, name, p, main)] for p in pairings if (setting, name, p, main) in verdict]
            if said:
                sentences.append(f"{name}, {main}:")
            for row in said:
                words = pairing_words(row["pairing"], dataset["task"])
                text = row["explanation"].removesuffix(" " + words) if words else row["explanation"]
                sentences += _wrap(text, width, "- ", "  ")
                if words and text != row["explanation"]:  # said once per pairing and kind of task, below
                    multilabel = " (multi-label)" if dataset["task"] == "multilabel" else ""
                    why.setdefault(words, f"{row['pairing']}{multilabel}: {words}")
    if quiet:
        return "\n".join(sentences)
    seeds = result.config.get("seeds")
    legend = (f"mean +-half-width of its 95% t interval over {seeds} seeds; base: the matched pairing; against it, "
              "worse/better: beyond the interval and the metric's margin, same: within +-margin, otherwise "
              "inconclusive.")
    lines = [*tables, *_wrap(legend, width)]
    if sentences:
        lines += ["verdicts on each dataset's main metric:", *sentences]
    if why:
        lines.append("what the mismatched pairings do:")
        for text in why.values():
            lines += _wrap(text, width, "- ", "  ")
    return "\n".join(lines)
