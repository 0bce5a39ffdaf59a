"""compare: train matched and mismatched activation/loss pairings side by side and measure the divergence.

Named ``comparison`` because ``lossmatch.compare`` is the function. Datasets -> engines (batched or
sequential, behind an executor) -> ``lossmatch.metrics`` -> stats (paired t intervals, verdicts) ->
``results.json`` + ``report.html``. Sweeps (``grid``) run every setting; ``RayExecutor`` runs the tasks on Ray.
"""

from lossmatch.comparison.distributed import RayExecutor
from lossmatch.comparison.run import GRID_KEYS, CompareResult, Executor, LocalExecutor, Task, compare, expand_grid

__all__ = ["GRID_KEYS", "CompareResult", "Executor", "LocalExecutor", "RayExecutor", "Task", "compare", "expand_grid"]
