"""How ``--help`` reads: plain metavars in the usage line (``PREDICTIONS LABELS``, ``[DATASET]...``) instead of
typer's ``{predictions}``; every option names its own metavar (``--seeds N``, ``--out DIR``) where typer would
print its type (``<int>``, ``<list[str]>``)."""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand


class Command(TyperCommand):
    """A typer command whose usage line and Arguments section show each argument as its metavar, or its name in
    capitals (``[PATH]...`` when optional and repeatable)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(param.metavar or argument_metavar(param))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((param.metavar or argument_metavar(param), record[1]))
            else:
                options.append(record)
        for title, records in (("Arguments", arguments), ("Options", options)):
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)


def argument_metavar(param: Any) -> str:
    name = (param.name or "arg").upper()
    if param.nargs != 1:
        name += "..."
    return name if param.required else f"[{name}]"
