"""``lossmatch losses``: list the registry."""

from __future__ import annotations

import typer

from lossmatch.cli._output import Format, emit_json, resolve_format, stdout_console
from lossmatch.registry import REGISTRY

_LISTED_KEYS = ("name", "expects", "activation", "target", "tasks", "supports", "torch_equivalent", "keras_equivalent")


def register(app: typer.Typer) -> None:
    @app.command("losses")
    def losses_command(
        fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
        json_flag: bool = typer.Option(False, "--json", help="Alias of --format json."),
    ) -> None:
        """List the losses lossmatch knows: what each expects, the target format and the tasks it fits."""
        specs = [spec.to_dict() for spec in REGISTRY.values()]
        if resolve_format(fmt, json_flag) == "json":
            emit_json({"losses": [{key: spec[key] for key in _LISTED_KEYS} | {"summary": spec["summary"]} for spec in specs]})
            return
        from rich.table import Table

        table = Table(title="lossmatch losses", show_lines=False)
        for column in ("name", "expects", "activation", "target", "tasks", "torch / keras equivalent"):
            table.add_column(column, overflow="fold")
        for spec in specs:
            table.add_row(spec["name"], spec["expects"], spec["activation"], "/".join(spec["target_formats"]),
                          ", ".join(spec["tasks"]), f"{spec['torch_equivalent']}\n{spec['keras_equivalent']}")
        stdout_console().print(table)
