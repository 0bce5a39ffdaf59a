"""``lossmatch losses``: list the registry."""

from __future__ import annotations

import typer

from lossmatch.cli._output import FORMAT_METAVAR, Format, echo, emit_json, resolve_format
from lossmatch.registry import REGISTRY

# The two ways label smoothing is written; every loss that takes `label_smoothing` takes `smoothing_convention`.
SMOOTHING_CONVENTIONS = {
    "uniform": "the default, torch and Keras: (1 - eps) y + eps / K, so the true class keeps 1 - eps + eps / K",
    "others": "1 - eps on the true class and eps / (K - 1) on each other one (eps <= (K - 1) / K); "
              "= uniform with eps K / (K - 1)",
}

_LISTED_KEYS = ("name", "expects", "activation", "target", "target_formats", "tasks", "supports", "torch_equivalent",
                "keras_equivalent")
# The table's columns: the JSON keys, shown as they are, so text and JSON name one thing alike.
COLUMNS = ("expects", "activation", "target_formats", "tasks")


def _shown(value) -> str:
    """A JSON value as the table shows it: lists of formats joined by '/', other lists by ', '."""
    return ", ".join(value) if isinstance(value, list) else str(value)


def _formats(value) -> str:
    return "/".join(value)


def render_text(specs: list[dict], width: int) -> list[str]:
    """A header row and one row per loss, then its summary, equivalents and options; when a row does not fit
    ``width`` the name gets a line of its own above the columns."""
    import textwrap

    cells = [[_formats(spec[c]) if c == "target_formats" else _shown(spec[c]) for c in COLUMNS] for spec in specs]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(COLUMNS)]
    name_width = max(len("name"), *(len(spec["name"]) for spec in specs))
    columns = lambda row: "  ".join(f"{v:<{w}}" for v, w in zip(row, widths)).rstrip()  # noqa: E731
    wide = name_width + 2 + len(columns(["x" * w for w in widths])) <= width
    lines = [f"{'name':<{name_width}}  {columns(COLUMNS)}"] if wide else ["name", f"  {columns(COLUMNS)}"]
    for spec, row in zip(specs, cells):
        lines += [f"{spec['name']:<{name_width}}  {columns(row)}"] if wide else [spec["name"], f"  {columns(row)}"]
        for text in (spec["summary"], f"torch: {spec['torch_equivalent']}", f"keras: {spec['keras_equivalent']}",
                     f"supports: {', '.join(spec['supports'])}"):
            lines += textwrap.wrap(text, width, initial_indent="    ", subsequent_indent="      ",
                                   break_long_words=False, break_on_hyphens=False)
    lines += ["", *textwrap.wrap("label smoothing (option smoothing_convention= of every loss with label_smoothing; "
                                 "binary losses use K = 2):", width, subsequent_indent="  ")]
    for name, words in SMOOTHING_CONVENTIONS.items():
        lines += textwrap.wrap(words, width, initial_indent=f"  {name:<8} ", subsequent_indent=" " * 11, break_long_words=False)
    return lines


def register(app: typer.Typer) -> None:
    @app.command("losses", short_help="List the losses: input, activation, targets, tasks, equivalents.")
    def losses_command(
        fmt: Format = typer.Option(Format.text, "--format", metavar=FORMAT_METAVAR, help="Output format."),
        json_flag: bool = typer.Option(False, "--json", help="Alias of --format json."),
    ) -> None:
        """List the losses lossmatch knows: what each expects, the target formats (the first is the primary
        one, ``target`` in JSON) and the tasks it fits."""
        from lossmatch.cli.compare import text_width

        specs = [spec.to_dict() for spec in REGISTRY.values()]
        if resolve_format(fmt, json_flag) == "json":
            emit_json({"losses": [{key: spec[key] for key in _LISTED_KEYS} | {"summary": spec["summary"]} for spec in specs],
                       "smoothing_conventions": SMOOTHING_CONVENTIONS})
            return
        echo("\n".join(render_text(specs, text_width())))
