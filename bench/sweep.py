"""A sweep over the MULAN suite with the local executor and with Ray on the same cores, in one run.

    python bench/sweep.py                # --suite mulan, 4 pairings x 3 seeds x 2 settings (lr), 10 epochs
    python bench/sweep.py --epochs 3     # quicker

Prints both wall times, their ratio (Ray's overhead; goal <= 1.15x), runs per second, the per-task time Ray
measured, and what the sweep sends through the object store (each dataset once).
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import tempfile
import time

import lossmatch
from lossmatch.comparison.datasets import SUITES, load_dataset
from lossmatch.comparison.distributed import RayExecutor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cpus", type=int, default=os.cpu_count())
    args = parser.parse_args()
    options = dict(seeds=args.seeds, epochs=args.epochs, grid={"lr": [1e-3, 3e-3]}, report=False)
    datasets = list(SUITES["mulan"])
    sizes = {name: len(pickle.dumps(load_dataset(name))) for name in datasets}
    runs = len(datasets) * 4 * args.seeds * 2
    print(f"sweep: {len(datasets)} MULAN datasets x 4 pairings x {args.seeds} seeds x 2 settings = {runs} runs, "
          f"{len(datasets) * 2} tasks, {args.epochs} epochs, {args.cpus} cores")

    timings = {}
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        local = lossmatch.compare(datasets, **options, out=os.path.join(out, "local"))
        timings["local"] = time.perf_counter() - start
        start = time.perf_counter()
        distributed = lossmatch.compare(datasets, **options, out=os.path.join(out, "ray"),
                                        executor=RayExecutor(num_cpus=args.cpus))
        timings["ray"] = time.perf_counter() - start
    same = all(abs(a.metrics[k] - b.metrics[k]) < 1e-4 for a, b in zip(local.runs, distributed.runs)
               for k in a.metrics if a.metrics[k] == a.metrics[k])
    for name, seconds in timings.items():
        print(f"{name:>6}: {seconds:7.1f} s wall, {runs / seconds:5.2f} runs/s")
    print(f"ray / local = {timings['ray'] / timings['local']:.2f}x (goal <= 1.15x); same metrics: {same}")

    per_task: dict[tuple[str, str], float] = {}
    for run in distributed.runs:
        per_task[(run.dataset, run.setting)] = per_task.get((run.dataset, run.setting), 0.0) + run.seconds
    times = sorted(per_task.values())
    print(f"per-task time on Ray (one dataset x one setting, {4 * args.seeds} models): median {statistics.median(times):.2f} s, "
          f"min {times[0]:.2f} s, max {times[-1]:.2f} s, total {sum(times):.1f} s")
    print("object store: each dataset put once: " + ", ".join(f"{n} {s / 2**20:.1f} MiB" for n, s in sizes.items())
          + f"; total {sum(sizes.values()) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
