"""What ``lossmatch.LossCheck`` costs a training loop: an epoch of an MLP on sklearn's digits with and without it.

Epochs with and without the check are interleaved (the order alternates each repeat), so that a busy core slows
both alike: the overhead is the median over repeats of each pair's ratio (two epochs a few milliseconds apart), with
the ratio of the medians and of the fastest epochs as two more estimates. The first
batch's runtime check (label inference, one pass over the batch in numpy) is a one-time cost, shown on its own.

    python bench/guard.py                  # 40 repeats, batch 32, one torch thread
    python bench/guard.py --repeats 100 --batch-size 64

Rows: ``control`` (without against without: the noise of this machine), ``step`` (``guard.step(out, y, loss)`` in the loop), ``hook`` (``with LossCheck(model, loss_fn):``, an
unchanged loop), and ``mismatch`` (sigmoid + BCE on one-hot targets: every running sum is on, the worst case).
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import torch
    from sklearn.datasets import load_digits

    import lossmatch

    torch.set_num_threads(args.threads)
    features, labels = load_digits(return_X_y=True)
    x = torch.tensor(features / 16.0, dtype=torch.float32)
    y = torch.tensor(labels)
    one_hot = torch.nn.functional.one_hot(y, 10).float()
    batches = [(x[i:i + args.batch_size], y[i:i + args.batch_size], one_hot[i:i + args.batch_size])
               for i in range(0, len(x), args.batch_size)]

    def model() -> torch.nn.Module:
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))

    def runner(form: str, loss_class: type, target_of: int):
        net, loss_fn = model(), loss_class()  # a loss module of its own: a hook on it sees this runner only
        opt = torch.optim.Adam(net.parameters(), 1e-3)
        guard = lossmatch.LossCheck(net, loss_fn) if form != "plain" else None
        if form == "hook":
            guard.__enter__()

        def epoch() -> float:
            start = time.perf_counter()
            for batch in batches:
                xb, target = batch[0], batch[target_of]
                out = net(xb)
                loss = loss_fn(out, target)
                opt.zero_grad()
                loss.backward()
                opt.step()
                if form == "step":
                    guard.step(out, target, loss)
            if guard is not None:
                guard.epoch_end()
            return time.perf_counter() - start

        return epoch

    ce, bce = torch.nn.CrossEntropyLoss, torch.nn.BCEWithLogitsLoss
    first = lossmatch.LossCheck(model(), ce())
    start = time.perf_counter()
    first.step(model()(batches[0][0]), batches[0][1])
    first_cost = time.perf_counter() - start

    rows = {"control": ("plain", ce, 1), "step": ("step", ce, 1), "hook": ("hook", ce, 1), "mismatch": ("step", bce, 2)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lossmatch.LossInputWarning)  # the mismatch row's findings
        plain = {name: runner("plain", loss, target) for name, (_, loss, target) in rows.items()}
        checked = {name: runner(form, loss, target) for name, (form, loss, target) in rows.items()}
        for name in rows:  # warm-up: allocator, the first batch's check
            plain[name](), checked[name]()
        times = {name: ([], []) for name in rows}
        for repeat in range(args.repeats):
            for name in rows:
                pair = (plain[name], checked[name]) if repeat % 2 == 0 else (checked[name], plain[name])
                for fn in pair:
                    (times[name][0] if fn is plain[name] else times[name][1]).append(fn())

    print(f"digits MLP 64-128-10, {len(batches)} batches of {args.batch_size}, {args.threads} thread(s), "
          f"{args.repeats} interleaved repeats; first-batch check (once per run): {first_cost * 1e3:.1f} ms")
    print(f"{'row':<10}{'without ms':>12}{'with ms':>10}{'paired ratio':>14}{'median ratio':>14}{'fastest ratio':>15}")
    for name, (without, with_check) in times.items():
        paired = statistics.median(w / o for w, o in zip(with_check, without))
        median_ratio = statistics.median(with_check) / statistics.median(without)
        fastest_ratio = min(with_check) / min(without)
        print(f"{name:<10}{statistics.median(without) * 1e3:>12.2f}{statistics.median(with_check) * 1e3:>10.2f}"
              f"{paired:>14.3f}{median_ratio:>14.3f}{fastest_ratio:>15.3f}")


if __name__ == "__main__":
    main()
