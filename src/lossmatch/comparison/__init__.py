"""compare: train matched and mismatched activation/loss pairings side by side and measure the divergence.

Named ``comparison`` because ``lossmatch.compare`` is the function. Datasets -> engines (batched or
sequential, behind an executor) -> ``lossmatch.metrics`` -> stats (paired t intervals, verdicts) ->
``results.json`` + ``report.html``.
"""

from lossmatch.comparison.run import CompareResult, Executor, LocalExecutor, Task, compare

__all__ = ["CompareResult", "Executor", "LocalExecutor", "Task", "compare"]
