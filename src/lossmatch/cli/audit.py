"""``lossmatch audit``: lint Keras, PyTorch and TensorFlow code for loss/activation/label mismatches."""

from __future__ import annotations

import json
import sys
from enum import Enum

import typer

from lossmatch.cli._output import echo, emit_json, hint


class AuditFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


def register(app: typer.Typer) -> None:
    @app.command("audit", short_help="Find loss/activation/label mismatches in code, without running it.")
    def audit_command(
        paths: list[str] = typer.Argument(None, metavar="[PATH]...", help="Files and directories (.py and .ipynb) to audit."),
        fmt: AuditFormat = typer.Option(AuditFormat.text, "--format", metavar="text|json|sarif", help="Output format."),
        json_flag: bool = typer.Option(False, "--json", help="Alias of --format json."),
        select: list[str] = typer.Option(None, "--select", metavar="RULES", help="Only these rule IDs or prefixes (comma-separated or repeated)."),
        ignore: list[str] = typer.Option(None, "--ignore", metavar="RULES", help="Skip these rule IDs or prefixes."),
        exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when findings are reported."),
        jobs: int = typer.Option(1, "--jobs", "-j", min=1, metavar="N", help="Processes to use."),
        show_evidence: bool = typer.Option(False, "--show-evidence", help="Text format: print evidence and fix under each finding."),
        list_rules: bool = typer.Option(False, "--list-rules", help="List the rules and exit."),
        strict: bool = typer.Option(False, "--strict", help="Exit 2 when a file could not be parsed or a folder held "
                                                            "nothing to audit (unreadable paths always exit 2)."),
    ) -> None:
        """Find loss/activation/label mismatches in source code, without running it.

        Exit 0: nothing at warning or error level; 1: findings; 2: usage error or unreadable input (with
        --strict also: a file that could not be parsed, or a folder without .py/.ipynb files).
        """
        from lossmatch import __version__
        from lossmatch.audit import RULES, audit_paths, select_rules
        from lossmatch.audit.formats import sarif, summary, text_lines

        output = "json" if json_flag else fmt.value
        if list_rules:
            if output == "text":
                for rule in RULES.values():
                    typer.echo(f"{rule.id}  {rule.severity:<7}  {rule.title}")
            else:
                emit_json({"rules": [rule.to_dict() for rule in RULES.values()]})
            return
        if not paths:
            raise typer.BadParameter("give at least one file or directory (or --list-rules)", param_hint="PATHS")
        chosen = select_rules(select, ignore)
        result = audit_paths(paths, jobs=jobs, select=chosen)
        if output == "json":
            emit_json(result.to_dict())
        elif output == "sarif":
            sys.stdout.write(json.dumps(sarif(result, __version__), indent=2) + "\n")
        else:
            for line in text_lines(result, show_evidence=show_evidence):
                echo(line)
        for error in result.errors:
            hint(f"lossmatch: error: cannot read {error}")
        for folder in result.empty:
            hint(f"lossmatch: warning: nothing to audit in {folder} (no .py or .ipynb file)")
        hint(summary(result))
        # typer.Exit rather than a return value, so the code holds when the app runs standalone (CliRunner) too.
        if result.errors or (strict and result.incomplete):
            raise typer.Exit(2)
        if result.failed and not exit_zero:
            raise typer.Exit(1)
