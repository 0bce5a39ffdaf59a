"""The registry is consistent with the functions, the modules and itself."""

import inspect

import pytest

import lossmatch
import lossmatch.nn
from lossmatch import registry
from lossmatch.errors import ConfigError

OPTION_PARAMETERS = {option: option for option in registry.OPTIONS}


@pytest.mark.parametrize("spec", list(registry.REGISTRY.values()), ids=lambda s: s.name)
def test_spec_points_at_a_real_function_and_module(spec):
    assert spec.fn is getattr(lossmatch, spec.name)
    parameters = inspect.signature(spec.fn).parameters
    first = next(iter(parameters))
    assert first == ("hidden" if spec.name == "linear_cross_entropy" else spec.expects)
    keyword_only = {n for n, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    # every option the spec claims is a keyword the function takes (linear CE calls its class weights class_weight)
    claimed = {OPTION_PARAMETERS[o] for o in spec.supports} - {"weight"} if spec.name == "linear_cross_entropy" else {OPTION_PARAMETERS[o] for o in spec.supports}
    assert claimed <= keyword_only, claimed - keyword_only
    module = getattr(lossmatch.nn, spec.module)
    assert module.function_name == spec.name
    # functions named after their activation or raw scores (focal, linear, softmax_mse, hinge) take logits too
    named_otherwise = any(word in spec.name for word in ("focal", "linear", "softmax_mse", "hinge"))
    assert spec.name.endswith("_with_logits") == (spec.expects == "logits") or named_otherwise


def test_every_exported_loss_is_registered():
    for name in lossmatch.losses.__all__:
        if name != "smooth_labels":
            assert name in registry.REGISTRY


def test_every_smoothed_loss_takes_the_smoothing_convention():
    for spec in registry.REGISTRY.values():
        assert ("label_smoothing" in spec.supports) == ("smoothing_convention" in spec.supports), spec.name


def test_pairings_name_registered_losses_and_match_the_design():
    assert list(registry.PAIRINGS) == ["softmax+cce", "sigmoid+bce", "softmax+bce", "sigmoid+cce", "softmax+gce",
                                       "softmax+sce", "softmax+mse", "linear+hinge"]
    assert registry.DEFAULT_PAIRINGS == ("softmax+cce", "sigmoid+bce", "softmax+bce", "sigmoid+cce")
    for pairing in registry.PAIRINGS.values():
        assert pairing.spec.activation == pairing.activation or not pairing.matched_for
        assert pairing.name == f"{pairing.activation}+{pairing.family}"
    assert registry.PAIRINGS["softmax+cce"].is_matched("multiclass")
    assert registry.PAIRINGS["sigmoid+bce"].is_matched("multilabel")
    assert not registry.PAIRINGS["softmax+bce"].is_matched("multiclass")


def test_lookups_fail_with_one_line():
    with pytest.raises(ConfigError, match=r"Expected a loss name .*, but got 'bce'"):
        registry.get("bce")
    with pytest.raises(ConfigError, match="Expected a pairing name"):
        registry.pairing("relu+mse")
    assert {s.name for s in registry.specs_for("multilabel")} == {"binary_cross_entropy_with_logits", "binary_cross_entropy", "sigmoid_focal_loss"}
    assert all(s.expects == "logits" for s in registry.specs_for("multiclass", expects="logits"))


def test_spec_rejects_unknown_vocabulary():
    with pytest.raises(ConfigError):
        registry.LossSpec(name="x", expects="logits", activation="sigmoid", target="binary", tasks=("regression",),
                          supports=frozenset(), torch_equivalent="", keras_equivalent="", module="X", summary="")
