"""compare's engines side by side: the same grid with --engine sequential and --engine batched, in one run.

    python bench/compare.py            # digits, 4 pairings x 8 seeds, 20 epochs; then the default run's wall time
    python bench/compare.py --quick    # 2 seeds, 5 epochs
"""

from __future__ import annotations

import argparse
import tempfile
import time

import lossmatch
from lossmatch.comparison.datasets import load_dataset
from lossmatch.comparison.engine import TrainConfig, train_batched, train_sequential

PAIRINGS = ("softmax+cce", "sigmoid+bce", "softmax+bce", "sigmoid+cce")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seeds, epochs = (2, 5) if args.quick else (8, 20)
    data = load_dataset("digits")
    jobs = [(p, s) for p in PAIRINGS for s in range(seeds)]
    config = TrainConfig(epochs=epochs)
    timings = {}
    for name, train in (("sequential", train_sequential), ("batched", train_batched)):
        start = time.perf_counter()
        runs = train(data, jobs, config)
        timings[name] = time.perf_counter() - start
        top1 = sum(r.metrics["top1_accuracy"] for r in runs) / len(runs)
        print(f"{name:>10}: {timings[name]:7.2f} s for {len(jobs)} models ({len(jobs) / timings[name]:.1f} models/s), mean top-1 {top1:.4f}")
    print(f"batched is {timings['sequential'] / timings['batched']:.1f}x faster than sequential (digits, {len(PAIRINGS)} pairings x "
          f"{seeds} seeds, {epochs} epochs)")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        lossmatch.compare(out=out)
        print(f"default run (digits, breast_cancer, yeast x 4 pairings x 5 seeds, with report): {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
