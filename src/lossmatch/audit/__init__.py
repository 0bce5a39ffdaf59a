"""Audit: find loss/activation/label mismatches in Keras, PyTorch and TensorFlow code, and in live models.

``audit_source``/``audit_paths`` read source with :mod:`ast` and never import or run it; ``check_model`` runs
one forward pass of a torch module or Keras 3 model and compares its outputs with what the loss expects.
Rules, with stable IDs, are in :data:`RULES`; the framework names the audit knows are in
:mod:`lossmatch.audit.catalogue`.
"""

from __future__ import annotations

from lossmatch.audit.paths import AuditResult, audit_paths
from lossmatch.audit.rules import RULES, Finding, Rule, select_rules
from lossmatch.audit.runtime import check_model
from lossmatch.audit.static import audit_source

__all__ = ["RULES", "AuditResult", "Finding", "Rule", "audit_paths", "audit_source", "check_model", "select_rules"]
