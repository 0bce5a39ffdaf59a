"""``lossmatch.lightning.LossCheck`` in ``Trainer.fit`` on CPU: small real LightningModules trained with each mismatch
report it (rule and epoch, numbers checked against sklearn on the same outputs), their matched twins train a full run
without a finding; without Lightning, one ImportError line naming the extra."""

from __future__ import annotations

import importlib
import sys
import warnings

import pytest
import torch
from torch import nn

pl = pytest.importorskip("lightning.pytorch")

import lossmatch.lightning as ll  # noqa: E402
import lossmatch.nn  # noqa: E402
from lossmatch import LossCheckError, LossInputWarning  # noqa: E402
from lossmatch.errors import ConfigError  # noqa: E402

ROWS, FEATURES, CLASSES, BATCH = 256, 8, 5, 64


@pytest.fixture(autouse=True)
def seeded():
    torch.manual_seed(0)


def data(classes: int = CLASSES):
    x = torch.randn(ROWS, FEATURES)
    return x, (x @ torch.randn(FEATURES, classes)).argmax(1)


def multi_hot(x: torch.Tensor, labels: int = 6) -> torch.Tensor:
    return ((x @ torch.randn(FEATURES, labels)) > -0.3).float()


class Net(pl.LightningModule):
    """An MLP whose ``training_step`` applies ``self.criterion`` (``returns="dict"``: applies ``loss_fn`` and returns
    the outputs and target too); the first epoch's outputs are kept in ``seen`` for the tests' own arithmetic."""

    def __init__(self, criterion=None, *tail: nn.Module, out: int = CLASSES, loss_fn=None, returns="loss",
                 nan_epoch=None):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(FEATURES, 16), nn.ReLU(), nn.Linear(16, out), *tail)
        if criterion is not None:
            self.criterion = criterion
        self.loss_fn, self.returns, self.nan_epoch, self.seen = loss_fn, returns, nan_epoch, []

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, index):
        x, target = batch
        outputs = self(x)
        if self.current_epoch == 0:
            self.seen.append(outputs.detach())
        if self.returns == "dict":
            return {"loss": self.loss_fn(outputs, target), "logits": outputs, "target": target}
        return self.criterion(outputs, target) if self.loss_fn is None else self.loss_fn(outputs, target)

    def validation_step(self, batch, index):
        x, target = batch
        return (self.criterion if self.loss_fn is None else self.loss_fn)(self(x), target)

    def on_train_epoch_start(self):
        if self.nan_epoch is not None and self.current_epoch + 1 == self.nan_epoch:
            with torch.no_grad():
                self.net[0].weight[0, 0] = float("nan")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), 1e-2)


def fit(module, x, target, *, epochs=3, validate=False, **options):
    check = ll.LossCheck(**options)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, target), batch_size=BATCH)
    trainer = pl.Trainer(max_epochs=epochs, callbacks=[check], accelerator="cpu", logger=False,
                         enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                         num_sanity_val_steps=2 if validate else 0, limit_val_batches=2 if validate else 0)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="lightning")  # its hints about workers and logging
        trainer.fit(module, loader, loader if validate else None)
    return check, trainer


def found(check) -> list[tuple[str, int]]:
    return [(f.rule, f.epoch) for f in check.findings]


MATCHED = [
    pytest.param(lambda: Net(nn.CrossEntropyLoss()), "index", id="hook:CrossEntropyLoss-indices"),
    pytest.param(lambda: Net(nn.BCEWithLogitsLoss(), out=6), "multi_hot", id="hook:BCEWithLogitsLoss-multi-label"),
    pytest.param(lambda: Net(lossmatch.nn.SparseCategoricalCrossEntropyWithLogits()), "index",
                 id="hook:lossmatch.nn-sparse"),
    pytest.param(lambda: Net(loss_fn=nn.functional.cross_entropy, returns="dict"), "index",
                 id="dict:F.cross_entropy"),
]


@pytest.mark.parametrize(("module", "labels"), MATCHED)
def test_matched_twin_trains_a_full_run_without_a_finding(module, labels):
    x, y = data()
    target = {"index": y, "multi_hot": multi_hot(x)}[labels]
    net = module()
    with warnings.catch_warnings():
        warnings.simplefilter("error", LossInputWarning)
        check, trainer = fit(net, x, target, epochs=4, validate=True, on_error="raise",
                             loss=nn.functional.cross_entropy if net.returns == "dict" else None)
    assert check.findings == [] and trainer.current_epoch == 4
    assert check.monitor.started and check.monitor.epoch == 5  # it saw the outputs (the first-batch check ran)
    assert "forward" not in vars(getattr(net, "criterion", nn.Module()))  # unwrapped after fit


def test_sigmoid_bce_on_one_hot_reads_the_inflated_binary_accuracy():
    """Counted on training batches only (the sanity check and validation run in eval mode); the numbers are sklearn's
    on the outputs training_step produced in epoch 1."""
    from sklearn.metrics import accuracy_score

    x, y = data()
    target = nn.functional.one_hot(y, CLASSES).float()
    net = Net(nn.BCEWithLogitsLoss())
    with pytest.warns(LossInputWarning, match="LM022") as caught:
        check, _ = fit(net, x, target, validate=True)
    assert found(check) == [("LM012", 1), ("LM022", 1)]
    assert {w.filename for w in caught} == {__file__}  # the user's training_step and fit lines, not Lightning's loops
    logits = torch.cat(net.seen).numpy()
    measured = check.findings[1].measured
    assert measured["rows"] == ROWS
    assert measured["binary_accuracy"] == pytest.approx(accuracy_score(target.numpy().ravel(), (logits > 0).ravel()))
    assert measured["top1_accuracy"] == pytest.approx(accuracy_score(y.numpy(), logits.argmax(1)))


def test_cross_entropy_on_multi_hot_collapses_the_labels_per_row():
    x, _ = data()
    target = multi_hot(x)
    net = Net(nn.CrossEntropyLoss(), out=6)
    with pytest.warns(LossInputWarning, match="LM017"):
        check, _ = fit(net, x, target)
    assert found(check) == [("LM017", 1)]
    measured = check.findings[0].measured
    probs = torch.cat(net.seen).softmax(1)
    assert measured["predicted_labels_per_row"] == pytest.approx(float((probs > 0.5).sum(1).float().mean()))
    assert measured["true_labels_per_row"] == pytest.approx(float(target.sum(1).mean()))


def test_softmax_into_cross_entropy_raises_out_of_fit():
    x, y = data()
    net = Net(nn.CrossEntropyLoss(), nn.Softmax(dim=1))
    with pytest.raises(LossCheckError) as caught:
        fit(net, x, y, on_error="raise")
    assert (caught.value.finding.rule, caught.value.finding.epoch) == ("LM001", 1)
    assert "forward" not in vars(net.criterion)


def test_stop_ends_the_run_after_the_batch_that_showed_it():
    x, y = data()
    with pytest.warns(LossInputWarning, match="LM001"):
        check, trainer = fit(Net(nn.CrossEntropyLoss(), nn.Softmax(dim=1)), x, y, epochs=5, on_error="stop")
    assert found(check) == [("LM001", 1)] and trainer.should_stop and trainer.global_step == 1


def test_one_unit_cross_entropy_is_constant():
    x, y = data()
    own = lambda out, target: -(target * out.log_softmax(dim=1)).sum(1).mean()  # noqa: E731 - not a loss lossmatch names
    with pytest.warns(LossInputWarning, match="LM013"):
        check, _ = fit(Net(loss_fn=own, returns="dict", out=1), x, (y[:, None] > 1).float())
    assert found(check) == [("LM013", 1)]
    assert "stayed at 0 on all 4 batches of epoch 1" in check.findings[0].message


def test_non_finite_loss_is_reported_in_the_epoch_it_appears():
    x, y = data()
    with pytest.warns(LossInputWarning, match="LM042"):
        check, _ = fit(Net(nn.CrossEntropyLoss(), nan_epoch=3), x, y, epochs=4)
    assert found(check) == [("LM042", 3)]  # Lightning's current_epoch 2
    assert "epoch 3" in check.findings[0].message


def test_a_loss_value_alone_gets_the_non_finite_check_and_says_so():
    x, y = data()
    net = Net(loss_fn=nn.functional.cross_entropy, nan_epoch=2)
    with pytest.warns(LossInputWarning) as caught:
        check, _ = fit(net, x, y, epochs=2)
    assert "sees only the loss value" in str(caught[0].message)
    assert found(check) == [("LM042", 2)]


def test_the_loss_module_to_hook_is_found_or_named():
    x, y = data()
    net = Net(nn.CrossEntropyLoss())
    net.aux = nn.MSELoss()
    with pytest.raises(ConfigError, match=r"criterion='criterion'|criterion='aux'"):
        fit(net, x, y, epochs=1)
    with pytest.warns(LossInputWarning, match="LM001"):
        net = Net(nn.CrossEntropyLoss(), nn.Softmax(dim=1))
        net.aux = nn.MSELoss()
        check, _ = fit(net, x, y, epochs=1, criterion="criterion")
    assert found(check) == [("LM001", 1)]
    with pytest.raises(ConfigError, match="criterion"):
        fit(Net(nn.CrossEntropyLoss()), x, y, epochs=1, criterion="net_loss")


def test_options_are_checked():
    with pytest.raises(ConfigError, match="on_error"):
        ll.LossCheck(on_error="halt")
    with pytest.raises(ConfigError, match="--ignore"):
        ll.LossCheck(ignore=["XX1"])


def test_without_lightning_the_import_is_one_line_naming_the_extra(monkeypatch):
    for name in [n for n in sys.modules if n == "lightning" or n.startswith(("lightning.", "lossmatch.lightning",
                                                                              "lossmatch.checks.lightning"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "lightning", None)  # what a machine without the package gives `import lightning`
    with pytest.raises(ImportError) as caught:
        importlib.import_module("lossmatch.lightning")
    message = str(caught.value)
    assert message == ("Expected Lightning 2 for `lossmatch.lightning`, but got no module named 'lightning'. Install it: "
                       "pip install 'lossmatch[lightning]'.")
    assert caught.value.__suppress_context__ and "\n" not in message
