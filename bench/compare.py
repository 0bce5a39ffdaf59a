"""compare's engines side by side: the same grid with --engine sequential and --engine batched, in one run.

    python bench/compare.py               # digits, 4 pairings x 8 seeds, 20 epochs, 2 rounds; then the default run
    python bench/compare.py --rounds 3    # more rounds: timings on a shared 2-core VM vary by +-30% run to run
    python bench/compare.py --quick       # 2 seeds, 5 epochs, 1 round

Each round runs the sequential engine and then the batched one, so both see the same machine state; the
ratio is printed per round and for the medians over rounds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import lossmatch
from lossmatch.comparison.datasets import load_dataset
from lossmatch.comparison.engine import TrainConfig, train_batched, train_sequential

PAIRINGS = ("softmax+cce", "sigmoid+bce", "softmax+bce", "sigmoid+cce")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    seeds, epochs, rounds = (2, 5, 1) if args.quick else (8, 20, max(1, args.rounds))
    data = load_dataset("digits")
    jobs = [(p, s) for p in PAIRINGS for s in range(seeds)]
    config = TrainConfig(epochs=epochs)
    train_batched(data, jobs[:2], TrainConfig(epochs=1))  # imports and first-call costs out of the timings
    timings: dict[str, list[float]] = {"sequential": [], "batched": []}
    for round_ in range(rounds):
        for name, train in (("sequential", train_sequential), ("batched", train_batched)):
            start = time.perf_counter()
            runs = train(data, jobs, config)
            timings[name].append(time.perf_counter() - start)
            top1 = sum(r.metrics["top1_accuracy"] for r in runs) / len(runs)
            print(f"round {round_ + 1} {name:>10}: {timings[name][-1]:6.2f} s for {len(jobs)} models "
                  f"({len(jobs) / timings[name][-1]:.1f} models/s), mean top-1 {top1:.4f}")
        print(f"round {round_ + 1}: batched is {timings['sequential'][-1] / timings['batched'][-1]:.1f}x faster")
    sequential, batched = statistics.median(timings["sequential"]), statistics.median(timings["batched"])
    print(f"batched is {sequential / batched:.1f}x faster than sequential (medians over {rounds} rounds: {sequential:.2f} s "
          f"vs {batched:.2f} s; digits, {len(PAIRINGS)} pairings x {seeds} seeds, {epochs} epochs)")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        lossmatch.compare(out=out)
        print(f"default run (digits, breast_cancer, yeast x 4 pairings x 5 seeds, with report): {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
