"""How many intra-op threads torch gets for a training task: from the CPUs this process may use and the work.

compare's models are small MLPs: a step of the demo (20 models, batch 64, 64 features, 64 hidden) is ~6M
multiply-adds, which a second thread speeds up by ~5% on an idle machine; when another process holds one of
the cores, torch's default of one thread per core made the demo 5x slower (7.6 s -> 36.5 s: OpenMP threads
wait for each other at every operation). So a task gets one thread per :data:`WORK_PER_THREAD` multiply-adds
of an optimiser step, at least one and at most the CPUs it may use (``os.sched_getaffinity``, capped by
``OMP_NUM_THREADS`` when that is set, as Ray sets it for its workers). ``threads=N`` overrides the choice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

# Multiply-adds per optimiser step that make one more thread pay; measured on digits (2 cores, idle):
# 6M/step (hidden 64) gains 5% from a second thread, 24M/step (hidden 256) 40%, 380M/step (512x512) 65%.
WORK_PER_THREAD = 10_000_000


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask, else the machine's count), capped by a valid
    ``OMP_NUM_THREADS``."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS, Windows
        cpus = os.cpu_count() or 1
    limit = os.environ.get("OMP_NUM_THREADS", "").strip()
    if limit.isdigit() and int(limit) > 0:
        cpus = min(cpus, int(limit))
    return max(cpus, 1)


def step_work(models: int, batch_rows: int, widths: Sequence[int]) -> int:
    """Multiply-adds of one forward pass of ``models`` MLPs with layer ``widths`` on ``batch_rows`` rows (the
    backward pass is twice that for every step alike, so it does not change the comparison)."""
    return models * batch_rows * sum(a * b for a, b in zip(widths[:-1], widths[1:]))


def choose_threads(work: float, cpus: int) -> int:
    """One thread per :data:`WORK_PER_THREAD` multiply-adds of a step, in ``[1, cpus]``."""
    return max(1, min(int(cpus), int(work // WORK_PER_THREAD)))


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """torch's intra-op thread count set to ``count`` inside the block, restored after it."""
    import torch

    before = torch.get_num_threads()
    if count != before:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
