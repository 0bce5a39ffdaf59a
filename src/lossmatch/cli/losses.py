"""``lossmatch losses``: list the registry."""

from __future__ import annotations

import typer

from lossmatch.cli._output import Format, emit_json, resolve_format
from lossmatch.registry import REGISTRY

# The two ways label smoothing is written; every loss that takes `label_smoothing` takes `smoothing_convention`.
SMOOTHING_CONVENTIONS = {
    "uniform": "the default, torch and Keras: (1 - eps) y + eps / K, so the true class keeps 1 - eps + eps / K",
    "others": "1 - eps on the true class and eps / (K - 1) on each other one (eps <= (K - 1) / K); "
              "= uniform with eps K / (K - 1)",
}

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
            emit_json({"losses": [{key: spec[key] for key in _LISTED_KEYS} | {"summary": spec["summary"]} for spec in specs],
                       "smoothing_conventions": SMOOTHING_CONVENTIONS})
            return
        width = max(len(spec["name"]) for spec in specs)
        for spec in specs:
            typer.echo(f"{spec['name']:<{width}}  {spec['expects']:<6}  {spec['activation']:<7}  "
                       f"{'/'.join(spec['target_formats']):<21}  {', '.join(spec['tasks'])}")
            typer.echo(f"{'':<{width}}  {spec['summary']}")
            typer.echo(f"{'':<{width}}  torch: {spec['torch_equivalent']}")
            typer.echo(f"{'':<{width}}  keras: {spec['keras_equivalent']}")
            typer.echo(f"{'':<{width}}  options: {', '.join(spec['supports'])}")
        typer.echo("")
        typer.echo("label smoothing (option smoothing_convention= of every loss with label_smoothing; binary losses use K = 2):")
        for name, words in SMOOTHING_CONVENTIONS.items():
            typer.echo(f"  {name:<8} {words}")
