"""The Ray executor: compare's tasks on a Ray cluster or a local Ray instance.

Ray is the distributed engine (scheduling, retries, the object store); this module only maps compare's
:class:`~lossmatch.comparison.run.Task` onto Ray tasks:

- each dataset is put into the object store once (``ray.put``); tasks receive the reference, so a node fetches
  a dataset once and its workers read it from shared memory;
- one Ray task trains one dataset x one setting x a block of ``(pairing, seed)`` models with the batched engine
  and returns the run records, stamped with the node id it ran on;
- tasks are submitted longest first (a rough cost: rows x layer widths x epochs x models), so that no long task
  runs alone at the end;
- the driver waits for tasks as they finish (``ray.wait``) and hands each result to compare, which writes the
  runs atomically under ``DIR/runs/``: the same layout as local runs, so ``--resume`` works across executors;
- a task whose worker dies is retried by Ray (``max_retries``); a result is recorded once per run key.

Ray is optional: ``pip install 'lossmatch[ray]'``. The nodes of a cluster need lossmatch installed too.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
from collections.abc import Callable, Sequence
from typing import Any

from lossmatch._messages import expected
from lossmatch.comparison.engine import RunResult
from lossmatch.comparison.run import Task
from lossmatch.errors import ConfigError

RAY_EXTRA = "pip install 'lossmatch[ray]'"
EXECUTORS = ("local", "ray")


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(expected("--executor ray", "find the optional dependency ray", "ray is not installed",
                                   f"Install it with: {RAY_EXTRA}")) from None
    return ray


def train_block(dataset: Any, jobs: list[tuple[str, int]], config: Any, engine: str, setting: str,
                threads: int | None = None) -> list[RunResult]:
    """Runs in a Ray worker: one task's models, each record stamped with this worker's node id."""
    import ray

    node = ray.get_runtime_context().get_node_id()
    task = Task(dataset, tuple(tuple(job) for job in jobs), config, engine, setting, threads)
    return [dataclasses.replace(run, node=node) for run in task.run()]


def _check_reachable(address: str) -> None:
    """A ``host:port`` address must accept a TCP connection within a few seconds (Ray itself would wait long)."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(expected("--ray-address", "be 'auto', 'HOST:PORT' or 'ray://HOST:PORT'", repr(address)))
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise ConfigError(expected("--ray-address", "reach a running Ray cluster", f"{address}: {exc.strerror or exc}")) from None


def _cost(task: Task) -> float:
    """Rough multiply-adds of a task: rows x layer widths x epochs x models (to start the longest tasks first)."""
    dataset, config = task.dataset, task.config
    widths = [dataset.x_train.shape[1], *config.hidden, dataset.n_classes]
    per_row = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    return float(len(dataset.x_train) * per_row * config.epochs * len(task.jobs))


class RayExecutor:
    """Runs compare's tasks as Ray tasks.

    Args:
        address: ``None`` starts a local Ray instance with ``num_cpus`` (default: this machine's cores) and shuts
            it down afterwards; ``"auto"`` joins the cluster this machine belongs to; ``"HOST:PORT"`` or
            ``"ray://HOST:PORT"`` joins that cluster. An already initialised Ray (``ray.init`` in your process) is
            used as it is.
        num_cpus: CPUs of a local instance.
        cpus_per_task: CPUs Ray reserves for each task (torch in the worker uses as many threads).
        max_retries: how often Ray reruns a task whose worker died.
        status: ``callback(message)`` told what Ray is doing before the first task finishes (starting or
            joining it takes seconds to tens of seconds): the CLI shows it in its progress.
    """

    def __init__(self, address: str | None = None, *, num_cpus: int | None = None, cpus_per_task: float = 1,
                 max_retries: int = 3, status: Callable[[str], None] | None = None) -> None:
        self.address = address
        self.num_cpus = num_cpus
        self.cpus_per_task = cpus_per_task
        self.max_retries = max_retries
        self.status = status

    def _say(self, message: str) -> None:
        if self.status is not None:
            self.status(message)

    def _connect(self, ray: Any) -> bool:
        """Initialise Ray; True when this executor started it (and so shuts it down)."""
        if ray.is_initialized():
            return False
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no network calls from a sweep
        options = dict(logging_level=logging.ERROR, log_to_driver=False, include_dashboard=False)
        if self.address is None:
            cpus = self.num_cpus or os.cpu_count()
            self._say(f"starting Ray (a local instance with {cpus} CPUs) ...")
            ray.init(num_cpus=cpus, **options)
            return True
        if self.address != "auto" and not self.address.startswith("ray://"):
            _check_reachable(self.address)
        self._say(f"connecting to Ray at {self.address} ...")
        try:
            ray.init(address=self.address, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else type(exc).__name__
            raise ConfigError(expected("--ray-address", "reach a running Ray cluster", f"{self.address}: {first}")) from None
        return True

    def run(self, tasks: Sequence[Task], on_result: Callable[[list[RunResult]], None]) -> None:
        if not tasks:
            return
        ray = import_ray()
        started = self._connect(ray)
        try:
            remote = ray.remote(num_cpus=self.cpus_per_task, max_retries=self.max_retries)(train_block)
            stored: dict[int, Any] = {}  # id(dataset) -> ObjectRef: each dataset enters the object store once
            pending = []
            for task in sorted(tasks, key=_cost, reverse=True):  # longest first: no long task left alone at the end
                if id(task.dataset) not in stored:
                    stored[id(task.dataset)] = ray.put(task.dataset)
                pending.append(remote.remote(stored[id(task.dataset)], list(task.jobs), task.config, task.engine,
                                             task.setting, task.threads))
            self._say(f"Ray is up: {len(pending)} task{'' if len(pending) == 1 else 's'} submitted, waiting for the first ...")
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                for ref in ready:
                    on_result(ray.get(ref))
        finally:
            if started:
                ray.shutdown()


def make_executor(name: str, address: str | None = None, *, status: Callable[[str], None] | None = None) -> Any:
    """``local`` -> None (compare's default, this process); ``ray`` -> :class:`RayExecutor` (reporting to
    ``status``)."""
    if name not in EXECUTORS:
        raise ConfigError(expected("--executor", f"be one of {', '.join(EXECUTORS)}", repr(name)))
    if name == "local":
        if address is not None:
            raise ConfigError(expected("--ray-address", "come with --executor ray", "--executor local"))
        return None
    import_ray()
    if address is not None and address != "auto" and not address.startswith("ray://"):
        _check_reachable(address)  # fail before any work starts
    return RayExecutor(address, status=status)
