"""Training-label noise: exact shares, the two single-label kinds, multi-label bit flips, the paired design, records."""

from __future__ import annotations

import json

import numpy as np
import pytest

import lossmatch
from lossmatch.comparison.noise import changed_share, check_noise, noisy_labels
from lossmatch.errors import ConfigError

Y = np.arange(1000) % 7


@pytest.mark.parametrize("kind", ("symmetric", "pairflip"))
def test_single_label_noise_changes_exactly_the_share_asked(kind):
    noisy = noisy_labels(Y, multilabel=False, n_classes=7, rate=0.4, kind=kind, seed=3)
    changed = noisy != Y
    assert changed.sum() == 400 and changed_share(Y, noisy) == 0.4
    assert noisy.min() >= 0 and noisy.max() <= 6 and noisy.dtype == Y.dtype
    if kind == "pairflip":
        assert (noisy[changed] == (Y[changed] + 1) % 7).all()
    else:  # every other class drawn, about equally often
        offsets = np.bincount((noisy[changed] - Y[changed]) % 7, minlength=7)
        assert offsets[0] == 0 and offsets[1:].min() > 40


def test_noise_is_seeded_kept_apart_from_y_and_zero_is_the_labels_themselves():
    first = noisy_labels(Y, multilabel=False, n_classes=7, rate=0.2, kind="symmetric", seed=1)
    again = noisy_labels(Y, multilabel=False, n_classes=7, rate=0.2, kind="symmetric", seed=1)
    other = noisy_labels(Y, multilabel=False, n_classes=7, rate=0.2, kind="symmetric", seed=2)
    assert (first == again).all() and (first != other).any() and (Y == np.arange(1000) % 7).all()
    assert noisy_labels(Y, multilabel=False, n_classes=7, rate=0.0, kind="pairflip", seed=1) is Y


def test_multilabel_noise_flips_each_bit_with_the_probability():
    y = (np.random.default_rng(0).random((2000, 6)) < 0.3).astype(np.int64)
    noisy = noisy_labels(y, multilabel=True, n_classes=6, rate=0.1, kind="symmetric", seed=0)
    assert set(np.unique(noisy)) <= {0, 1}
    assert changed_share(y, noisy) == pytest.approx(0.1, abs=0.01)


@pytest.mark.parametrize(("rate", "kind", "words"), [(1.0, "symmetric", "`label_noise` to be a share of training labels in [0, 1)"),
                                                     (-0.1, "symmetric", "label_noise"),
                                                     (0.2, "uniform", "`noise` to be one of symmetric, pairflip")])
def test_bad_noise_options(rate, kind, words):
    with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace(")", r"\)").replace("(", r"\(")):
        check_noise(rate, kind)
    with pytest.raises(ConfigError):
        lossmatch.compare(["digits"], pairings=["softmax+cce"], seeds=2, epochs=1, label_noise=rate, noise=kind)


def test_compare_records_the_noise_and_sweeps_it(tmp_path):
    result = lossmatch.compare(["digits"], pairings=["softmax+cce", "softmax+gce"], seeds=2, epochs=2, hidden=(8,),
                               grid={"label_noise": [0.0, 0.3]}, noise="pairflip", out=tmp_path, report=False)
    assert [s["setting"] for s in result.config["settings"]] == ["label_noise=0", "label_noise=0.3"]
    noisy = [r for r in result.runs if r.setting == "label_noise=0.3"]
    assert all(r.config["label_noise"] == 0.3 and r.config["noise"] == "pairflip" for r in noisy)
    shares = {(r.pairing, r.seed): r.extra["label_noise_changed"] for r in noisy}
    assert shares[("softmax+cce", 0)] == shares[("softmax+gce", 0)] == pytest.approx(0.3, abs=1e-3)
    assert all("label_noise_changed" not in r.extra for r in result.runs if r.setting == "label_noise=0")
    saved = json.loads((tmp_path / "results.json").read_text())
    assert [s["label_noise"] for s in saved["config"]["settings"]] == [0.0, 0.3]
    assert saved["config"]["noise"] == "pairflip"
    assert {json.loads(p.read_text())["config"]["label_noise"] for p in (tmp_path / "runs").glob("*.json")} == {0.0, 0.3}


def test_default_pairings_stay_the_four_cross_entropy_pairings():
    result = lossmatch.compare(["breast_cancer"], seeds=2, epochs=1, hidden=(4,), report=False)
    assert result.config["pairings"] == ["softmax+cce", "sigmoid+bce", "softmax+bce", "sigmoid+cce"]
