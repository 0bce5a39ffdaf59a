"""``lossmatch.LossCheck`` in plain PyTorch loops: small real models trained with each mismatch report it (rule and
epoch, with the numbers), and their matched twins train a full run without a finding."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score
from torch import nn

import lossmatch
from lossmatch import LossCheck, LossCheckError, LossInputWarning
from lossmatch.errors import ConfigError

ROWS, FEATURES, CLASSES, BATCH = 256, 8, 5, 32


@pytest.fixture(autouse=True)
def seeded():
    torch.manual_seed(0)


def data(classes: int = CLASSES):
    x = torch.randn(ROWS, FEATURES)
    return x, (x @ torch.randn(FEATURES, classes)).argmax(1)


def multi_hot(x: torch.Tensor, labels: int = 6) -> torch.Tensor:
    return ((x @ torch.randn(FEATURES, labels)) > -0.3).float()  # about 3.3 labels per row


def mlp(*tail: nn.Module, out: int = CLASSES) -> nn.Module:
    return nn.Sequential(nn.Linear(FEATURES, 16), nn.ReLU(), nn.Linear(16, out), *tail)


def train(model, loss_fn, x, target, *, epochs=3, corrupt_epoch=None, seen=None, **options) -> LossCheck:
    """A plain loop with ``guard.step`` / ``guard.epoch_end``; ``corrupt_epoch``: a NaN feature from that epoch on;
    ``seen``: a list that gets the first epoch's outputs, for the test's own arithmetic."""
    guard = LossCheck(model, loss_fn, **options)
    opt = torch.optim.Adam(model.parameters(), 1e-2)
    for epoch in range(1, epochs + 1):
        for start in range(0, ROWS, BATCH):
            xb, yb = x[start:start + BATCH], target[start:start + BATCH]
            if corrupt_epoch is not None and epoch >= corrupt_epoch:
                xb = xb.clone()
                xb[0, 0] = float("nan")
            out = model(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            guard.step(out, yb, loss)
            if seen is not None and epoch == 1:
                seen.append(out.detach())
        guard.epoch_end()
    return guard


def found(guard: LossCheck) -> list[tuple[str, int]]:
    return [(f.rule, f.epoch) for f in guard.findings]


MATCHED = [
    pytest.param(lambda: mlp(), nn.CrossEntropyLoss, "index", id="logits+CrossEntropyLoss-indices"),
    pytest.param(lambda: mlp(), nn.CrossEntropyLoss, "one_hot", id="logits+CrossEntropyLoss-one-hot"),
    pytest.param(lambda: mlp(nn.LogSoftmax(dim=1)), nn.NLLLoss, "index", id="log_softmax+NLLLoss"),
    pytest.param(lambda: mlp(out=6), nn.BCEWithLogitsLoss, "multi_hot", id="logits+BCEWithLogitsLoss-multi-label"),
    pytest.param(lambda: mlp(nn.Sigmoid(), out=6), nn.BCELoss, "multi_hot", id="sigmoid+BCELoss-multi-label"),
    pytest.param(lambda: mlp(nn.Sigmoid(), out=1), nn.BCELoss, "binary", id="sigmoid+BCELoss-binary"),
    pytest.param(lambda: mlp(), lambda: lossmatch.nn.SparseCategoricalCrossEntropyWithLogits(), "index",
                 id="lossmatch.nn-sparse"),
]


@pytest.mark.parametrize(("model", "loss", "labels"), MATCHED)
def test_matched_twin_trains_a_full_run_without_a_finding(model, loss, labels):
    x, y = data()
    target = {"index": y, "one_hot": nn.functional.one_hot(y, CLASSES).float(), "multi_hot": multi_hot(x),
              "binary": (y[:, None] > 1).float()}[labels]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        guard = train(model(), loss(), x, target, epochs=5, on_error="raise")
    assert guard.findings == [] and guard.epoch == 6


def test_softmax_into_cross_entropy_stops_training_at_the_first_batch():
    x, y = data()
    with pytest.raises(LossCheckError) as caught:
        train(mlp(nn.Softmax(dim=1)), nn.CrossEntropyLoss(), x, y, on_error="raise")
    finding = caught.value.finding
    assert (finding.rule, finding.epoch, finding.severity) == ("LM001", 1, "error")
    assert any("rows sum to 1" in item for item in finding.finding.evidence)
    assert "epoch 1" in str(caught.value) and finding.to_dict()["epoch"] == 1


def test_sigmoid_bce_on_single_label_reads_inflated_binary_accuracy():
    x, y = data()
    one_hot, seen = nn.functional.one_hot(y, CLASSES).float(), []
    with pytest.warns(LossInputWarning):
        guard = train(mlp(), nn.BCEWithLogitsLoss(), x, one_hot, epochs=4, seen=seen)
    assert found(guard) == [("LM012", 1), ("LM022", 1)]  # once per run, though every epoch shows it
    inflated, logits = guard.findings[1], torch.cat(seen).numpy()
    assert inflated.measured["binary_accuracy"] == pytest.approx(accuracy_score(one_hot.numpy().ravel(),
                                                                                (logits > 0).ravel()))
    assert inflated.measured["top1_accuracy"] == pytest.approx(accuracy_score(y.numpy(), logits.argmax(1)))
    assert inflated.measured["binary_accuracy"] - inflated.measured["top1_accuracy"] >= 0.2
    assert f"{inflated.measured['top1_accuracy']:.3f} at epoch 1" in inflated.message
    assert any("predicts no class reads 0.800" in item for item in inflated.finding.evidence)


def test_softmax_bce_with_class_indices_made_one_hot_by_the_loop():
    x, y = data()
    with pytest.warns(LossInputWarning):
        guard = train(mlp(nn.Softmax(dim=1)), nn.BCELoss(), x, nn.functional.one_hot(y, CLASSES).float(), epochs=2,
                      ignore=["LM010"])
    assert found(guard) == [("LM022", 1)]  # ignored IDs are dropped, the rest reported


def test_categorical_loss_on_multi_hot_collapses_the_labels_per_row():
    x, _ = data()
    target, seen = multi_hot(x), []
    with pytest.warns(LossInputWarning):
        guard = train(mlp(out=6), nn.CrossEntropyLoss(), x, target, seen=seen)
    assert found(guard) == [("LM017", 1)]
    measured, probs = guard.findings[0].measured, torch.cat(seen).softmax(1).numpy()
    assert measured["predicted_labels_per_row"] == pytest.approx(float((probs > 0.5).sum(1).mean()))
    assert measured["predicted_labels_per_row"] <= 1.0  # a softmax passes at most one label
    assert measured["true_labels_per_row"] == pytest.approx(float(target.sum(1).mean()))


def test_one_unit_cross_entropy_is_constant():
    x, y = data()
    binary = (y > 1).float()[:, None]
    with pytest.warns(LossInputWarning):
        assert found(train(mlp(out=1), nn.CrossEntropyLoss(), x, binary)) == [("LM013", 1)]  # the first batch says it
    own = lambda out, target: -(target * out.log_softmax(dim=1)).sum(1).mean()  # noqa: E731 - a loss lossmatch cannot name
    with pytest.warns(LossInputWarning):
        guard = train(mlp(out=1), own, x, binary)
    assert found(guard) == [("LM013", 1)]  # the running minimum and maximum say it at the end of epoch 1
    assert "stayed at 0 on all 8 batches of epoch 1" in guard.findings[0].message


def test_non_finite_loss_is_reported_in_the_epoch_it_appears():
    x, y = data()
    with pytest.warns(LossInputWarning):
        guard = train(mlp(), nn.CrossEntropyLoss(), x, y, epochs=4, corrupt_epoch=3)
    assert found(guard) == [("LM042", 3)]
    assert "epoch 3" in guard.findings[0].message and "nan" in guard.findings[0].message


@pytest.mark.parametrize("bad_batch", [3, 300, 599])
def test_non_finite_loss_in_a_long_epoch_is_found_wherever_it_falls(bad_batch):
    """Batch losses are summed a chunk at a time: a NaN in any chunk (the first, a middle one, the last partial
    one) reaches the epoch's sum, and what is kept aside stays bounded."""
    from lossmatch.checks._monitor import LOSS_CHUNK

    out, target = torch.randn(BATCH, CLASSES), torch.randint(0, CLASSES, (BATCH,))
    guard = LossCheck(loss_fn=nn.CrossEntropyLoss())
    for batch in range(1, 601):
        guard.step(out, target, torch.tensor(float("nan") if batch == bad_batch else 1.5))
        assert len(guard.monitor._pending) < LOSS_CHUNK
    with pytest.warns(LossInputWarning, match="LM042"):
        guard.epoch_end()
    assert found(guard) == [("LM042", 1)] and "600 batches of epoch 1" in guard.findings[0].message


@pytest.mark.parametrize(("varying_batch", "expected"), [(None, [("LM013", 1)]), (2, []), (400, []), (600, [])])
def test_constant_loss_over_chunks_of_batches(varying_batch, expected):
    """One unit and a loss of the user's own: the least and greatest batch loss over 600 batches (three chunks) say
    whether it stayed put; one batch that differs, in any chunk, says it did not."""
    own = lambda out, target: -(target * out.log_softmax(dim=1)).sum(1).mean()  # noqa: E731 - a loss lossmatch cannot name
    target = torch.ones(BATCH, 1)
    guard = LossCheck(loss_fn=own)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossInputWarning)
        for batch in range(1, 601):
            guard.step(torch.randn(BATCH, 1), target, torch.tensor(0.25 if batch == varying_batch else 0.0))
        guard.epoch_end()
    assert found(guard) == expected


def test_non_finite_first_batch():
    x, y = data()
    x[0, 0] = float("inf")
    with pytest.raises(LossCheckError, match="LM042"):
        train(mlp(), nn.CrossEntropyLoss(), x, y, on_error="raise")


def test_saturated_sigmoid_into_bce_loss():
    x, y = data()
    target = (x[:, :1] > 0).float()
    model = mlp(nn.Sigmoid(), out=1)
    with torch.no_grad():  # unnormalised features, as raw pixel values give: logits in the hundreds
        model[2].weight.mul_(300)
    with pytest.warns(LossInputWarning):
        guard = train(model, nn.BCELoss(), x, target)
    assert found(guard) == [("LM043", 1)]
    assert "against the target at epoch 1" in guard.findings[0].message
    assert guard.findings[0].measured["saturated_share"] >= 0.01
    twin = mlp(out=1)
    with torch.no_grad():
        twin[2].weight.mul_(300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert train(twin, nn.BCEWithLogitsLoss(), x, target, on_error="raise").findings == []  # logits: no clipping


def test_info_finding_warns_but_does_not_stop_training():
    x, y = data(classes=2)
    with pytest.warns(LossInputWarning, match="LM016"):
        guard = train(mlp(nn.Softmax(dim=1), out=2), nn.BCELoss(), x, nn.functional.one_hot(y, 2).float(),
                      on_error="raise")
    assert found(guard) == [("LM016", 1)] and guard.epoch == 4


def test_hook_form_needs_no_change_to_the_loop():
    """``with LossCheck(model, loss_fn)``: the loss module's wrapped forward sees every call; evaluation calls (model
    in eval mode) are skipped, and training after them starts the next epoch."""
    x, y = data()
    model, loss_fn = mlp(), nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), 1e-2)
    with pytest.warns(LossInputWarning), LossCheck(model, loss_fn) as guard:
        for epoch in range(1, 5):
            model.train()
            for start in range(0, ROWS, BATCH):
                xb = x[start:start + BATCH].clone()
                if epoch == 3:
                    xb[0, 0] = float("nan")
                loss = loss_fn(model(xb), y[start:start + BATCH])
                opt.zero_grad()
                loss.backward()
                opt.step()
                with torch.no_grad():
                    model.load_state_dict({k: v.nan_to_num() for k, v in model.state_dict().items()})
            model.eval()
            with torch.no_grad():
                loss_fn(model(x[:64]), y[:64])
    assert found(guard) == [("LM042", 3)]
    assert "forward" not in vars(loss_fn)  # unwrapped at the end of the block
    assert loss_fn(torch.zeros(2, CLASSES), torch.tensor([0, 1])).item() == pytest.approx(np.log(CLASSES))


def test_call_watch_sees_positional_and_keyword_calls_and_unwraps_in_any_order():
    from lossmatch.checks._monitor import CallWatch

    loss_fn, seen = nn.CrossEntropyLoss(), []
    outer = CallWatch(loss_fn, lambda m, args, kwargs, result: seen.append(("outer", len(args), sorted(kwargs))))
    inner = CallWatch(loss_fn, lambda m, args, kwargs, result: seen.append(("inner", m is loss_fn, float(result))))
    out, target = torch.zeros(2, CLASSES), torch.tensor([0, 1])
    loss_fn(out, target)
    loss_fn(input=out, target=target)
    assert seen == [("outer", 2, []), ("inner", True, pytest.approx(np.log(CLASSES))),
                    ("outer", 0, ["input", "target"]), ("inner", True, pytest.approx(np.log(CLASSES)))]
    outer.remove()  # removed first although wrapped first: it goes quiet, the later watch still sees calls
    seen.clear()
    loss_fn(out, target)
    assert [who for who, *_ in seen] == ["inner"]
    inner.remove()
    assert "forward" in vars(loss_fn)  # the outer wrapper stays in place (inert): what was there before it
    seen.clear()
    loss_fn(out, target)
    assert seen == []
    watch = CallWatch(nn.MSELoss(), lambda *a: None)
    watch.remove()
    assert "forward" not in vars(watch.module)


def test_hook_form_counts_batches_per_epoch():
    x, y = data()
    model, loss_fn = mlp(nn.Softmax(dim=1)), nn.BCELoss()
    target = nn.functional.one_hot(y, CLASSES).float()
    with pytest.warns(LossInputWarning), LossCheck(model, loss_fn, batches_per_epoch=ROWS // BATCH) as guard:
        for _ in range(3):
            for start in range(0, ROWS, BATCH):
                loss_fn(model(x[start:start + BATCH]), target[start:start + BATCH]).backward()
    assert found(guard) == [("LM010", 1), ("LM022", 1)] and guard.epoch == 4


def test_guard_called_as_the_loss():
    x, y = data()
    model = mlp()
    guard = LossCheck(model, nn.functional.cross_entropy, on_error="raise")
    loss = guard(model(x[:BATCH]), y[:BATCH])
    assert torch.allclose(loss, nn.functional.cross_entropy(model(x[:BATCH]), y[:BATCH]))
    with pytest.raises(LossCheckError, match="LM001"):
        LossCheck(model, nn.functional.cross_entropy, on_error="raise")(model(x[:BATCH]).softmax(1), y[:BATCH])


def test_state_is_running_sums_only():
    """Every running sum on (a per-unit loss on single-label targets): what the guard holds after a batch is scalars,
    detached, however many batches it saw."""
    x, y = data()
    model, target = mlp(), nn.functional.one_hot(y, CLASSES).float()
    guard = LossCheck(model, nn.BCEWithLogitsLoss(), ignore=["LM012"])
    for start in range(0, ROWS, BATCH):
        out = model(x[start:start + BATCH])
        guard.step(out, target[start:start + BATCH], nn.functional.binary_cross_entropy_with_logits(out, target[start:start + BATCH]))
    tensors = [v for v in vars(guard.monitor).values() if isinstance(v, torch.Tensor)]
    assert len(tensors) >= 4 and all(t.numel() == 1 and not t.requires_grad for t in tensors)
    assert out.requires_grad and out.grad_fn is not None  # the caller's outputs are left as they were


def test_epoch_end_twice_is_one_epoch():
    x, y = data()
    guard = train(mlp(), nn.CrossEntropyLoss(), x, y, epochs=2)
    guard.epoch_end()
    assert guard.epoch == 3


def test_options_are_checked():
    with pytest.raises(ConfigError, match="on_error"):
        LossCheck(mlp(), nn.CrossEntropyLoss(), on_error="stop")
    with pytest.raises(ConfigError, match="--ignore"):
        LossCheck(mlp(), nn.CrossEntropyLoss(), ignore=["XX1"])
    with pytest.raises(ConfigError, match="batches_per_epoch"):
        LossCheck(mlp(), nn.CrossEntropyLoss(), batches_per_epoch=0)
    with pytest.raises(ConfigError, match="call the guard as the loss"):
        with LossCheck(mlp(), nn.functional.cross_entropy):
            pass
