"""Forward + backward time of each lossmatch loss against its torch-native equivalent, side by side.

    python bench/losses.py [--repeats 30] [--threads 2]

Same inputs, same process, interleaved repeats; prints the median time of each and the ratio (ours / torch), and
the ratio of the fastest repeats (steadier than the median on a machine shared with other work).
Categorical losses: N=4096, C=1000; binary losses: 4096 x 100. ``validate=False`` rows show the cost of the
input checks (which a training loop can skip once the data are known to be good).
Goal: <= 1.05x torch for the fused losses; focal <= 1.0x a straightforward torch implementation; GCE, SCE,
softmax MSE and the hinge losses <= 1.05x a straightforward torch implementation (``nn.MultiMarginLoss`` for
Weston-Watkins).
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import torch
import torch.nn.functional as F

import lossmatch as lm


def straightforward_sigmoid_focal(logits, target, gamma=2.0, alpha=0.25):
    # torchvision.ops.sigmoid_focal_loss, written out
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    p_t = p * target + (1 - p) * (1 - target)
    loss = ce * ((1 - p_t) ** gamma)
    alpha_t = alpha * target + (1 - alpha) * (1 - target)
    return (alpha_t * loss).mean()


def straightforward_softmax_focal(logits, target, gamma=2.0):
    ce = F.cross_entropy(logits, target, reduction="none")
    p_t = torch.exp(-ce)
    return ((1 - p_t) ** gamma * ce).mean()


def straightforward_gce(logits, target, q=0.7):
    p_t = torch.softmax(logits, -1).gather(1, target[:, None]).squeeze(1)
    return ((1 - p_t ** q) / q).mean()


def straightforward_sce(logits, target, alpha=0.1, beta=1.0, log_clip=-4.0):
    ce = F.cross_entropy(logits, target)
    p = torch.softmax(logits, -1)
    one_hot = F.one_hot(target, logits.shape[-1]).to(logits.dtype)
    rce = -(p * one_hot.clamp_min(torch.tensor(log_clip).exp()).log()).sum(-1).mean()
    return alpha * ce + beta * rce


def straightforward_softmax_mse(logits, target):
    return F.mse_loss(torch.softmax(logits, -1), F.one_hot(target, logits.shape[-1]).to(logits.dtype))


def straightforward_crammer_singer(logits, target, margin=1.0):
    x_t = logits.gather(1, target[:, None])
    others = logits.scatter(1, target[:, None], -torch.inf).amax(1, keepdim=True)
    return (margin + others - x_t).clamp_min(0).mean()


def straightforward_binary_hinge(logits, target):
    return (1 - (2 * target - 1) * logits).clamp_min(0).mean()


def cases(gen):
    n, c, labels = 4096, 1000, 100
    logits = torch.randn(n, c, generator=gen)
    index = torch.randint(0, c, (n,), generator=gen)
    soft = torch.softmax(torch.randn(n, c, generator=gen), -1)
    probs = torch.softmax(torch.randn(n, c, generator=gen), -1)
    blogits = torch.randn(n, labels, generator=gen)
    multi_hot = (torch.rand(n, labels, generator=gen) > 0.8).float()
    pos_weight = torch.rand(labels, generator=gen) * 4
    bprobs = torch.sigmoid(blogits)
    return [
        ("sparse_cce_with_logits", logits, lambda x: lm.sparse_categorical_cross_entropy_with_logits(x, index),
         lambda x: F.cross_entropy(x, index)),
        ("sparse_cce_with_logits validate=False", logits,
         lambda x: lm.sparse_categorical_cross_entropy_with_logits(x, index, validate=False), lambda x: F.cross_entropy(x, index)),
        ("sparse_cce_with_logits smoothing=0.1", logits,
         lambda x: lm.sparse_categorical_cross_entropy_with_logits(x, index, label_smoothing=0.1),
         lambda x: F.cross_entropy(x, index, label_smoothing=0.1)),
        ("cce_with_logits (soft targets)", logits, lambda x: lm.categorical_cross_entropy_with_logits(x, soft),
         lambda x: F.cross_entropy(x, soft)),
        ("sparse_cce (probs)", probs, lambda p: lm.sparse_categorical_cross_entropy(p, index),
         lambda p: F.nll_loss(p.log(), index)),
        ("bce_with_logits", blogits, lambda x: lm.binary_cross_entropy_with_logits(x, multi_hot),
         lambda x: F.binary_cross_entropy_with_logits(x, multi_hot)),
        ("bce_with_logits validate=False", blogits, lambda x: lm.binary_cross_entropy_with_logits(x, multi_hot, validate=False),
         lambda x: F.binary_cross_entropy_with_logits(x, multi_hot)),
        ("bce_with_logits pos_weight", blogits, lambda x: lm.binary_cross_entropy_with_logits(x, multi_hot, pos_weight=pos_weight),
         lambda x: F.binary_cross_entropy_with_logits(x, multi_hot, pos_weight=pos_weight)),
        ("bce (probs)", bprobs, lambda p: lm.binary_cross_entropy(p, multi_hot), lambda p: F.binary_cross_entropy(p, multi_hot)),
        ("sigmoid_focal vs straightforward", blogits, lambda x: lm.sigmoid_focal_loss(x, multi_hot, gamma=2.0, alpha=0.25),
         lambda x: straightforward_sigmoid_focal(x, multi_hot)),
        ("softmax_focal vs straightforward", logits, lambda x: lm.softmax_focal_loss(x, index, gamma=2.0),
         lambda x: straightforward_softmax_focal(x, index)),
        ("gce vs straightforward", logits, lambda x: lm.generalized_cross_entropy_with_logits(x, index),
         lambda x: straightforward_gce(x, index)),
        ("gce validate=False", logits, lambda x: lm.generalized_cross_entropy_with_logits(x, index, validate=False),
         lambda x: straightforward_gce(x, index)),
        ("sce vs straightforward", logits, lambda x: lm.symmetric_cross_entropy_with_logits(x, index),
         lambda x: straightforward_sce(x, index)),
        ("softmax_mse vs straightforward", logits, lambda x: lm.softmax_mse(x, index),
         lambda x: straightforward_softmax_mse(x, index)),
        ("hinge weston_watkins vs MultiMarginLoss", logits, lambda x: lm.multiclass_hinge_loss(x, index),
         lambda x: F.multi_margin_loss(x, index)),
        ("hinge crammer_singer vs straightforward", logits, lambda x: lm.multiclass_hinge_loss(x, index, form="crammer_singer"),
         lambda x: straightforward_crammer_singer(x, index)),
        ("binary_hinge vs straightforward", blogits, lambda x: lm.binary_hinge_loss(x, multi_hot),
         lambda x: straightforward_binary_hinge(x, multi_hot)),
        ("binary_hinge validate=False", blogits, lambda x: lm.binary_hinge_loss(x, multi_hot, validate=False),
         lambda x: straightforward_binary_hinge(x, multi_hot)),
    ]


def time_once(fn, base):
    x = base.detach().clone().requires_grad_()
    start = time.perf_counter()
    fn(x).backward()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--only", default="", help="Run the cases whose name contains this text.")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", lm.LossInputWarning)
    gen = torch.Generator().manual_seed(0)
    print(f"torch {torch.__version__}, {args.threads} threads, median of {args.repeats} interleaved repeats (forward + backward)")
    print(f"{'loss':<40} {'ours ms':>9} {'torch ms':>9} {'ratio':>7} {'min ratio':>9}")
    for name, base, ours, theirs in cases(gen):
        if args.only not in name:
            continue
        for _ in range(3):
            time_once(ours, base), time_once(theirs, base)
        ours_t, theirs_t = [], []
        for _ in range(args.repeats):
            ours_t.append(time_once(ours, base))
            theirs_t.append(time_once(theirs, base))
        a, b = statistics.median(ours_t), statistics.median(theirs_t)
        print(f"{name:<40} {a * 1e3:>9.2f} {b * 1e3:>9.2f} {a / b:>6.2f}x {min(ours_t) / min(theirs_t):>8.2f}x")


if __name__ == "__main__":
    main()
