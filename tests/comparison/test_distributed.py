"""The Ray executor against the local one: same numbers, two nodes, a killed worker, a killed driver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

import lossmatch  # noqa: E402
from lossmatch.comparison.distributed import RayExecutor, make_executor  # noqa: E402
from lossmatch.errors import ConfigError  # noqa: E402

SMALL = dict(pairings=["sigmoid+bce", "softmax+cce"], seeds=2, epochs=2, hidden=(8,), grid={"lr": [1e-3, 3e-3]}, report=False)


def _numbers(result):
    return {(r.setting, r.dataset, r.pairing, r.seed): r.metrics for r in result.runs}


def _assert_same(a, b, tol=1e-4):
    left, right = _numbers(a), _numbers(b)
    assert left.keys() == right.keys()
    for key, metrics in left.items():
        for name, value in metrics.items():
            assert value == pytest.approx(right[key][name], abs=tol, nan_ok=True), (key, name)


@pytest.fixture(scope="module")
def local():
    return lossmatch.compare(["emotions", "breast_cancer"], **SMALL)


def test_local_ray_instance_gives_the_local_numbers(local, tmp_path):
    trained: list[int] = []
    result = lossmatch.compare(["emotions", "breast_cancer"], **SMALL, executor=RayExecutor(num_cpus=2), out=tmp_path)
    _assert_same(result, local)
    assert all(r.node for r in result.runs) and not ray.is_initialized()  # it started Ray, so it shut it down
    files = sorted(p.name for p in (tmp_path / "runs").glob("*.json"))
    assert len(files) == len(result.runs) == 16 and all("__lr-0.00" in name for name in files)
    # the same runs/ layout: a local resume of the Ray sweep retrains nothing
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}
    resumed = lossmatch.compare(["emotions", "breast_cancer"], **SMALL, out=tmp_path, resume=True,
                                progress=lambda done, total, message: trained.append(total))
    assert trained == [0] and {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")} == stamps
    _assert_same(resumed, local)


def test_two_node_cluster_runs_tasks_on_both_nodes(local):
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    cluster.add_node(num_cpus=1)
    try:
        ray.init(address=cluster.address)
        cluster.wait_for_nodes()
        result = lossmatch.compare(["emotions", "breast_cancer"], **{**SMALL, "epochs": 2}, executor=RayExecutor(),
                                   models_per_task=1)
        nodes = {r.node for r in result.runs}
        assert nodes <= {n["NodeID"] for n in ray.nodes()} and len(nodes) == 2
    finally:
        ray.shutdown()
        cluster.shutdown()
    _assert_same(result, local)


def _kill_first_worker(stop: threading.Event, killed: list[int]) -> None:
    """SIGKILL the first process titled ``ray::train_block`` (a worker running one of our tasks)."""
    while not stop.is_set() and not killed:
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                title = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"ray::train_block"):
                os.kill(int(proc.name), signal.SIGKILL)
                killed.append(int(proc.name))
                return
        time.sleep(0.05)


def test_a_killed_worker_is_retried_and_nothing_is_lost_or_doubled(tmp_path):
    options = dict(pairings=["sigmoid+bce", "softmax+cce"], seeds=2, epochs=15, hidden=(32,), report=False)
    stop, killed = threading.Event(), []
    watcher = threading.Thread(target=_kill_first_worker, args=(stop, killed), daemon=True)
    watcher.start()
    try:
        result = lossmatch.compare(["yeast"], **options, executor=RayExecutor(num_cpus=2), models_per_task=2, out=tmp_path)
    finally:
        stop.set()
        watcher.join()
    assert killed, "no worker was found to kill"
    keys = [r.key for r in result.runs]
    assert len(keys) == len(set(keys)) == 4
    assert sorted(p.stem for p in (tmp_path / "runs").glob("*.json")) == sorted(keys)
    _assert_same(result, lossmatch.compare(["yeast"], **options))


def test_a_killed_driver_resumes(tmp_path):
    out = tmp_path / "sweep"
    command = [sys.executable, "-m", "lossmatch", "compare", "emotions", "breast_cancer", "--pairings",
               "sigmoid+bce,softmax+cce", "--seeds", "2", "--epochs", "25", "--hidden", "32", "--grid", "lr=1e-3,3e-3",
               "--executor", "ray", "--models-per-task", "2", "--no-report", "--out", str(out)]
    driver = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    runs = out / "runs"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(runs.glob("*.json"))) < 2 and driver.poll() is None:
        time.sleep(0.1)
    exited = driver.poll()
    try:
        os.killpg(driver.pid, signal.SIGKILL)  # the driver and the local Ray instance it started
    except ProcessLookupError:  # the whole group already gone: the driver ended on its own
        pass
    driver.wait()
    assert exited is None, f"the driver ended before it was killed (exit {exited}): " + driver.stderr.read().decode()[-2000:]
    before = {p.name: p.read_bytes() for p in runs.glob("*.json")}
    assert 2 <= len(before) < 16, driver.stderr.read().decode()[-2000:]
    assert not [p for p in runs.iterdir() if p.suffix != ".json"]  # no half-written file
    done = subprocess.run([*command, "--resume", "--format", "json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = {p.name: p.read_bytes() for p in runs.glob("*.json")}
    assert len(after) == 16 and all(after[name] == data for name, data in before.items())  # finished runs kept as they were
    results = json.loads((out / "results.json").read_text())
    assert len(results["runs"]) == 16 and {s["setting"] for s in results["config"]["settings"]} == {"lr=0.001", "lr=0.003"}


def test_bad_executor_options_are_one_line_errors():
    with pytest.raises(ConfigError, match="one of local, ray"):
        make_executor("spark")
    with pytest.raises(ConfigError, match="reach a running Ray cluster"):
        make_executor("ray", "127.0.0.1:1")
    with pytest.raises(ConfigError, match="come with --executor ray"):
        make_executor("local", "auto")
