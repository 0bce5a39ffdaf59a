"""Audit output: one line per finding (text), the JSON document, and SARIF 2.1.0 for code-scanning tools."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from lossmatch.audit.paths import AuditResult
from lossmatch.audit.rules import RULES, Finding

__all__ = ["sarif", "summary", "text_line", "text_lines"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def text_line(finding: Finding) -> str:
    """``path:line:col: LM0xx message``; notebooks read ``path:cell N:line:col: ...``."""
    where = f"{finding.path}:cell {finding.cell}" if finding.cell is not None else finding.path
    return f"{where}:{finding.line}:{finding.col}: {finding.rule} {finding.message}"


def text_lines(result: AuditResult, *, show_evidence: bool = False) -> list[str]:
    """One line per finding; with ``show_evidence`` each is followed by its evidence and fix, indented."""
    lines = []
    for finding in result.findings:
        lines.append(text_line(finding))
        if show_evidence:
            lines.extend(f"    evidence: {item}" for item in finding.evidence)
            lines.append(f"    fix: {finding.fix}")
    return lines


def sarif(result: AuditResult, version: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: the rules as ``reportingDescriptor``s and one result per finding."""
    rule_ids = list(RULES)
    rules = [{
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.title},
        "help": {"text": rule.fix},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
    } for rule in RULES.values()]
    results = []
    for finding in result.findings:
        region: dict[str, Any] = {"startLine": max(finding.line, 1), "startColumn": max(finding.col, 1)}
        properties: dict[str, Any] = {"evidence": list(finding.evidence), "fix": finding.fix}
        if finding.cell is not None:
            properties["cell"] = finding.cell
        results.append({
            "ruleId": finding.rule,
            "ruleIndex": rule_ids.index(finding.rule),
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": PurePath(finding.path).as_posix()},
                "region": region,
            }}],
            "properties": properties,
        })
    notifications = [{"level": "error", "message": {"text": error}} for error in result.errors]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "lossmatch", "version": version, "rules": rules}},
            "results": results,
            "invocations": [{"executionSuccessful": not result.errors,
                             "toolExecutionNotifications": notifications}],
        }],
    }


def summary(result: AuditResult) -> str:
    """``3 findings (2 errors, 1 warning) in 12 files`` and what was not checked (``; 1 path could not be
    read; 2 files could not be parsed; 1 folder held no .py or .ipynb file``): for stderr."""
    counts = {level: sum(f.severity == level for f in result.findings) for level in ("error", "warning", "info")}
    parts = [f"{n} {level}{'' if n == 1 or level == 'info' else 's'}" for level, n in counts.items() if n]
    total = len(result.findings)
    detail = f" ({', '.join(parts)})" if parts else ""
    text = f"{total} finding{'' if total == 1 else 's'}{detail}"
    text += f" in {result.files_scanned} file{'' if result.files_scanned == 1 else 's'}"
    unchecked = [(len(result.errors), "path", "could not be read"), (result.unparsed, "file", "could not be parsed"),
                 (len(result.empty), "folder", "held no .py or .ipynb file")]
    return "; ".join([text, *(f"{n} {noun}{'' if n == 1 else 's'} {what}" for n, noun, what in unchecked if n)])
