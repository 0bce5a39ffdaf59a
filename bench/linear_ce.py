"""linear_cross_entropy vs the naive ``F.cross_entropy(hidden @ weight.T)``: forward + backward time and peak memory.

Each implementation runs in its own subprocess, so its peak memory is its own. Peak extra memory is the
process's peak resident set (CPU) or ``torch.cuda.max_memory_allocated`` (GPU) minus what is held before the
loss is called (interpreter, torch, the inputs) minus the gradients of ``hidden`` and ``weight``: what the loss
itself needs. cut-cross-entropy's torch path is measured when it imports.

    python bench/linear_ce.py            # N=4096, D=1024, V=65536, fp32 (about a minute per implementation on 2 cores)
    python bench/linear_ce.py --small    # N=1024, D=256, V=16384: a few seconds
    python bench/linear_ce.py --device cuda
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

IMPLEMENTATIONS = ("naive", "lossmatch", "cut_cross_entropy")


def _rss_peak_bytes() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def _current_rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        import os

        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def worker(impl: str, n: int, d: int, v: int, repeats: int, device: str) -> dict:
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    hidden = (torch.randn(n, d, device=device) * 0.5).requires_grad_()
    weight = (torch.randn(v, d, device=device) * d**-0.5).requires_grad_()
    target = torch.randint(0, v, (n,), device=device)

    if impl == "naive":
        def loss_fn():
            return F.cross_entropy(hidden @ weight.T, target)
    elif impl == "lossmatch":
        from lossmatch import linear_cross_entropy

        def loss_fn():
            return linear_cross_entropy(hidden, weight, target)
    else:
        try:
            from cut_cross_entropy import linear_cross_entropy as cce
        except Exception as exc:  # the package, or triton which it imports on Linux, is missing
            return {"impl": impl, "skipped": f"{type(exc).__name__}: {exc}"}

        def loss_fn():
            return cce(hidden, weight, target, impl="torch_compile")

    grad_bytes = (hidden.numel() + weight.numel()) * 4
    loss_fn().backward()  # warm-up (allocator, kernels)
    hidden.grad = weight.grad = None
    times, value = [], None
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
    else:
        before = _current_rss_bytes()
    for _ in range(repeats):
        hidden.grad = weight.grad = None
        start = time.perf_counter()
        loss = loss_fn()
        loss.backward()
        if device == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
        value = float(loss)
    peak = torch.cuda.max_memory_allocated() if device == "cuda" else _rss_peak_bytes()
    return {"impl": impl, "time_s": statistics.median(times), "extra_bytes": max(0, peak - before - grad_bytes),
            "loss": value, "grad_norm": float(weight.grad.norm())}


def run(impl: str, args) -> dict:
    command = [sys.executable, __file__, "--worker", impl, "--n", str(args.n), "--d", str(args.d), "--v", str(args.v),
               "--repeats", str(args.repeats), "--device", args.device]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"impl": impl, "skipped": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="N=1024, D=256, V=16384")
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--d", type=int, default=1024)
    parser.add_argument("--v", type=int, default=65536)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--worker", choices=IMPLEMENTATIONS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.small:
        args.n, args.d, args.v = 1024, 256, 16384
    if args.worker:
        print(json.dumps(worker(args.worker, args.n, args.d, args.v, args.repeats, args.device)))
        return

    mib = 2**20
    logits_bytes = args.n * args.v * 4
    print(f"N={args.n} D={args.d} V={args.v} fp32 on {args.device}; one N x V fp32 tensor = {logits_bytes / mib:.0f} MiB; "
          f"median of {args.repeats} forward+backward")
    results = {impl: run(impl, args) for impl in IMPLEMENTATIONS}
    naive = results["naive"]
    for impl, result in results.items():
        if "skipped" in result:
            print(f"{impl:>18}: not measured ({result['skipped']})")
            continue
        line = (f"{impl:>18}: {result['time_s']:8.3f} s   peak extra {result['extra_bytes'] / mib:8.1f} MiB"
                f"   loss {result['loss']:.6f}")
        if impl != "naive" and "skipped" not in naive:
            line += (f"   time {result['time_s'] / naive['time_s']:.2f}x naive"
                     f"   memory {result['extra_bytes'] / max(naive['extra_bytes'], 1):.3f}x naive")
        print(line)


if __name__ == "__main__":
    main()
