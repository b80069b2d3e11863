"""The soft class weighting: the two ends equal scikit-learn's own, the middle sits between."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_classification  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

from deskmix.triage.options import TrainOptions
from deskmix.triage.pipeline import (
    MANY_FOLDS_BELOW,
    SoftBalancedSVC,
    build_pipeline,
    calibration_folds,
)
from deskmix.triage.train import fit_target


def imbalanced() -> tuple[np.ndarray, np.ndarray]:
    x, y = make_classification(
        n_samples=600,
        n_features=20,
        n_informative=5,
        n_classes=3,
        weights=[0.8, 0.15, 0.05],
        class_sep=0.6,
        random_state=0,
    )
    return x, np.array(["big", "mid", "rare"])[y]


def test_power_zero_and_one_are_unweighted_and_balanced() -> None:
    x, y = imbalanced()
    for power, class_weight in ((0.0, None), (1.0, "balanced")):
        ours = SoftBalancedSVC(power=power, random_state=0).fit(x, y)
        theirs = LinearSVC(class_weight=class_weight, random_state=0).fit(x, y)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-4, atol=1e-6)


def test_sqrt_predicts_the_rare_class_between_none_and_balanced() -> None:
    x, y = imbalanced()
    rare = [
        int((SoftBalancedSVC(power=p, random_state=0).fit(x, y).predict(x) == "rare").sum())
        for p in (0.0, 0.5, 1.0)
    ]
    assert rare[0] < rare[1] < rare[2]


def test_default_options_use_the_sqrt_weighting() -> None:
    labels = ["a", "b"] * 50
    pipeline = build_pipeline(TrainOptions(), labels)
    svm = pipeline.named_steps["classifier"].estimator
    assert isinstance(svm, SoftBalancedSVC)
    assert svm.power == 0.5
    balanced = build_pipeline(TrainOptions(class_weight="balanced"), labels)
    assert type(balanced.named_steps["classifier"].estimator) is LinearSVC


def test_folds_follow_data_size_not_the_rarest_label() -> None:
    small = ["common"] * 40 + ["rare"] * 2
    splits = calibration_folds(TrainOptions(), small)
    assert isinstance(splits, list) and len(splits) == 5
    for train, _ in splits:  # a label with two examples is in every training fold
        assert {small[i] for i in train} == {"common", "rare"}
    big = ["a", "b"] * (MANY_FOLDS_BELOW // 2)
    assert calibration_folds(TrainOptions(), big).get_n_splits() == 3
    assert calibration_folds(TrainOptions(folds=4), big).get_n_splits() == 4
    assert calibration_folds(TrainOptions(), ["a", "a", "b", "b"]).get_n_splits() == 2


def test_a_rare_label_keeps_five_folds() -> None:
    texts = [f"printer jam on floor {i}" for i in range(20)] + ["vpn down", "vpn drops"]
    labels = ["end_user"] * 20 + ["network"] * 2
    model = fit_target(texts, labels, "domain", TrainOptions())
    assert len(model.linear.folds) == 5
    assert model.metadata["calibration_folds"] == 5
    assert model.metadata["held_out"]["n"] == 22
    assert model.predict(["vpn down again"], 0.0)[0].best_guess == "network"
