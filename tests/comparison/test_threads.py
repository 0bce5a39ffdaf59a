"""The thread policy: one torch thread per 10M multiply-adds of a step, within the CPUs this process may use."""

from __future__ import annotations

import os

import pytest
import torch

import lossmatch
from lossmatch.comparison import engine, threads
from lossmatch.comparison.datasets import load_dataset
from lossmatch.comparison.engine import TrainConfig
from lossmatch.comparison.run import Task
from lossmatch.comparison.threads import available_cpus, choose_threads, step_work, torch_threads
from lossmatch.errors import ConfigError


@pytest.mark.parametrize(("work", "cpus", "want"), [
    (0, 8, 1),
    (6_000_000, 2, 1),        # the demo's digits step: a second thread gains ~5%, and costs 5x under load
    (9_999_999, 16, 1),
    (10_000_000, 16, 1),
    (24_000_000, 2, 2),       # hidden 256: worth a second thread
    (24_000_000, 1, 1),       # never more than the CPUs
    (380_000_000, 16, 16),
    (380_000_000, 64, 38),
])
def test_choose_threads(work, cpus, want):
    assert choose_threads(work, cpus) == want


def test_step_work_counts_multiply_adds_of_every_layer():
    assert step_work(20, 64, [64, 64, 10]) == 20 * 64 * (64 * 64 + 64 * 10)
    assert step_work(1, 8, [5, 3]) == 8 * 15


def test_available_cpus_reads_the_affinity_mask_and_omp_num_threads(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert available_cpus() == 3
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert available_cpus() == 2
    monkeypatch.setenv("OMP_NUM_THREADS", "8")  # a cap, never more than the mask
    assert available_cpus() == 3
    monkeypatch.setenv("OMP_NUM_THREADS", "nonsense")
    assert available_cpus() == 3


@pytest.mark.parametrize("name", ["digits", "breast_cancer", "yeast"])
def test_the_demo_trains_with_one_thread_per_task(monkeypatch, name):
    monkeypatch.setattr(threads, "available_cpus", lambda: 16)
    monkeypatch.setattr("lossmatch.comparison.run.available_cpus", lambda: 16)
    jobs = tuple((p, s) for p in ("softmax+cce", "sigmoid+bce", "softmax+bce", "sigmoid+cce") for s in range(5))
    task = Task(load_dataset(name), jobs, TrainConfig())
    assert task.chosen_threads == 1
    assert Task(load_dataset(name), jobs, TrainConfig(hidden=(512, 512))).chosen_threads > 1
    assert Task(load_dataset(name), jobs, TrainConfig(), threads=3).chosen_threads == 3


def test_torch_threads_sets_and_restores():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_compare_trains_with_the_chosen_threads_and_records_them(monkeypatch):
    seen = []
    real = engine.TRAINERS["batched"]

    def spy(*args):
        seen.append(torch.get_num_threads())
        return real(*args)

    monkeypatch.setitem(engine.TRAINERS, "batched", spy)
    before = torch.get_num_threads()
    result = lossmatch.compare(["breast_cancer"], seeds=2, epochs=1, hidden=(4,), threads=1)
    assert seen == [1] and torch.get_num_threads() == before and result.config["threads"] == 1
    assert lossmatch.compare(["breast_cancer"], seeds=2, epochs=1, hidden=(4,)).config["threads"] == "auto"
    with pytest.raises(ConfigError, match=r"Expected `threads` to be an integer in \[1, 1024\], but got 0"):
        lossmatch.compare(["breast_cancer"], threads=0)
