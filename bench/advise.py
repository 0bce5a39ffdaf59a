"""`lossmatch advise` on a large multi-hot label file vs pyarrow reading the same file alone, side by side.

Writes an N x L multi-hot table (default 1,000,000 x 100, about 5% positives) as CSV and Parquet, then times
(best of ``--repeat``) and measures the peak memory (VmHWM, which, unlike ru_maxrss, does not inherit the parent's
resident set through vfork) of, in a fresh subprocess each with the same modules
already imported (torch, scikit-learn, pyarrow), so that the numbers compare the work on the file:
  pyarrow   - pyarrow.csv.read_csv / pyarrow.parquet.read_table of the file, nothing else;
  advise    - lossmatch.labels.advise(path): read in batches, infer, recommend, snippets.
It then times the whole cold command, ``lossmatch advise FILE --json``, against a cold ``python -c`` pyarrow read,
start-up and imports included. Goal: advise <= 1.5x pyarrow's time; memory bounded by the int8 label matrix.

    /work/venv/bin/python bench/advise.py [--rows 1000000] [--labels 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = r"""
import json, sys, time
import lossmatch.labels, pyarrow.csv, pyarrow.parquet, sklearn.utils.multiclass  # same imports on both sides
kind, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if kind == "pyarrow":
    if path.endswith(".csv"):
        import pyarrow.csv as pcsv
        table = pcsv.read_csv(path)
    else:
        import pyarrow.parquet as pq
        table = pq.read_table(path)
    result = table.num_rows
else:
    from lossmatch.labels import advise
    result = advise(path).task
seconds = time.perf_counter() - start
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_mib": int(hwm.split()[1]) / 1024, "result": result}))
"""


def _measure(kind: str, path: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _CHILD, kind, str(path)], check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["seconds"])
    return {"seconds": best["seconds"], "peak_mib": max(r["peak_mib"] for r in runs), "result": best["result"]}


def _wall(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def _baseline_mib() -> float:
    code = ("import lossmatch.labels, pyarrow.csv, pyarrow.parquet, sklearn.utils.multiclass; "
            "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')) / 1024)")
    return float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(0)
        matrix = (rng.random((args.rows, args.labels)) < 0.05).astype(np.int8)
        table = pa.table({f"label_{j}": matrix[:, j] for j in range(args.labels)})
        csv_path, parquet_path = Path(tmp) / "labels.csv", Path(tmp) / "labels.parquet"
        pcsv.write_csv(table, csv_path)
        pq.write_table(table, parquet_path, row_group_size=100_000)
        del matrix, table
        print(f"{args.rows:,} rows x {args.labels} labels; CSV {csv_path.stat().st_size / 2**20:.0f} MiB, "
              f"Parquet {parquet_path.stat().st_size / 2**20:.0f} MiB; best of {args.repeat}; "
              f"interpreter + imports peak {_baseline_mib():.0f} MiB")
        print(f"{'file':<8} {'pyarrow s':>10} {'advise s':>9} {'ratio':>6} {'pyarrow MiB':>12} {'advise MiB':>11}  result")
        for name, path in (("csv", csv_path), ("parquet", parquet_path)):
            base, ours = _measure("pyarrow", path, args.repeat), _measure("advise", path, args.repeat)
            print(f"{name:<8} {base['seconds']:>10.2f} {ours['seconds']:>9.2f} {ours['seconds'] / base['seconds']:>5.2f}x "
                  f"{base['peak_mib']:>12.0f} {ours['peak_mib']:>11.0f}  {ours['result']}")
        print("cold commands (process start and imports included):")
        for name, path in (("csv", csv_path), ("parquet", parquet_path)):
            reader = "pyarrow.csv.read_csv" if name == "csv" else "pyarrow.parquet.read_table"
            base = _wall([sys.executable, "-c", f"import {reader.rsplit('.', 1)[0]} as m; m.{reader.rsplit('.', 1)[1]}({str(path)!r})"], args.repeat)
            ours = _wall([str(Path(sys.executable).with_name("lossmatch")), "advise", str(path), "--json"], args.repeat)
            print(f"{name:<8} {base:>10.2f} {ours:>9.2f} {ours / base:>5.2f}x")


if __name__ == "__main__":
    main()
