"""The scoring rules as plain functions: statistics, divergence, the discussion order, totals."""
from __future__ import annotations

import random
import statistics

import pytest

from assessment.scoring import (DivergenceRules, discussion_order, divergence_reasons, group_means,
                                indicator_stats, weighted_total)

LEVELS = [1, 2, 3, 4, 5, 6]


def test_cannot_assess_is_counted_apart_and_not_in_the_mean():
    stats = indicator_stats([4, 5, "na", 6, None], LEVELS)
    assert (stats.n, stats.cannot_assess, stats.mean, stats.median) == (3, 1, 5.0, 5)
    assert (stats.min, stats.max, stats.spread) == (4, 6, 2)
    assert stats.stdev == pytest.approx(0.8165, abs=1e-4)


def test_distribution_lists_every_level_including_empty_ones():
    assert indicator_stats([2, 2, 5], LEVELS).distribution == {1: 0, 2: 2, 3: 0, 4: 0, 5: 1, 6: 0}


def test_booleans_text_and_scores_off_the_scale_are_ignored():
    assert indicator_stats([True, "4", 7, 0, 3], LEVELS).n == 1


@pytest.mark.parametrize("levels", [LEVELS, list(range(0, 11)), [1, 2, 3, 4, 5]])
def test_statistics_agree_with_pythons_statistics_module(levels):
    """The counts-per-level arithmetic gives what statistics computes from the scores themselves."""
    rng = random.Random(7)
    for size in [1, 2, 3, 4, 5, 10, 11, 37, 100, 250]:
        for _ in range(20):
            scores = [rng.choice(levels) for _ in range(size)]
            stats = indicator_stats(scores + ["na"], levels)
            assert stats.n == size and stats.cannot_assess == 1
            assert stats.mean == statistics.fmean(scores)
            assert stats.median == statistics.median(scores)
            assert type(stats.median) is type(statistics.median(scores))
            assert stats.stdev == pytest.approx(statistics.pstdev(scores), rel=1e-15, abs=1e-15)
            low, high = min(scores), max(scores)
            assert (stats.min, stats.max, stats.spread) == (low, high, high - low)


def test_no_scores_gives_empty_statistics():
    stats = indicator_stats([], LEVELS)
    assert (stats.n, stats.mean, stats.stdev, stats.spread) == (0, None, None, None)


def test_range_and_stdev_rules_flag_divergence():
    rules = DivergenceRules(range=3, stdev=1.2)
    assert divergence_reasons(indicator_stats([2, 5], LEVELS), rules, LEVELS) == ["range", "stdev"]
    assert divergence_reasons(indicator_stats([4, 4, 5], LEVELS), rules, LEVELS) == []


def test_split_votes_are_flagged():
    rules = DivergenceRules(split=0.25)
    assert divergence_reasons(indicator_stats([1, 1, 6, 6], LEVELS), rules, LEVELS) == ["split"]
    assert not divergence_reasons(indicator_stats([1, 4, 4, 4, 4, 4], LEVELS), rules, LEVELS)


def test_a_single_score_is_never_divergent():
    assert not divergence_reasons(indicator_stats([1], LEVELS), DivergenceRules(range=0.5, stdev=0.1), LEVELS)


def test_rules_default_when_the_bank_has_none():
    assert DivergenceRules.from_mapping(None) == DivergenceRules(range=3, stdev=1.2)
    assert DivergenceRules.from_mapping({}) == DivergenceRules(range=3, stdev=1.2)
    assert DivergenceRules.from_mapping({"split": 0.3}).split == 0.3


def test_discussion_order_puts_divergent_first_then_by_spread():
    calm = indicator_stats([4, 4, 4], LEVELS)
    mild = indicator_stats([3, 4, 5], LEVELS)
    wild = indicator_stats([1, 6, 6], LEVELS)
    split = indicator_stats([1, 1, 6, 6], LEVELS)
    order = discussion_order([("calm", calm, False), ("mild", mild, False),
                              ("wild", wild, True), ("split", split, True), ("empty", indicator_stats([], LEVELS), False)])
    assert order == ["split", "wild", "mild", "calm", "empty"]


def test_group_means_leave_out_missing_and_cannot_assess():
    groups = {"p1": "process", "p2": "process", "e1": "effect"}
    assert group_means({"p1": 4, "p2": "na", "e1": None}, groups) == {"process": 4.0, "effect": None}


def test_weighted_total_for_year_2_and_year_4_differs_as_the_weights_say():
    groups = {"p1": "process", "p2": "process", "e1": "effect", "e2": "effect"}
    grades = {"p1": 5, "p2": 5, "e1": 2, "e2": 3}  # process mean 5, effect mean 2.5
    assert weighted_total(grades, groups, {"process": 0.7, "effect": 0.3}) == pytest.approx(4.25)
    assert weighted_total(grades, groups, {"process": 0.3, "effect": 0.7}) == pytest.approx(3.25)


def test_missing_group_gives_no_total():
    groups = {"p1": "process", "e1": "effect"}
    assert weighted_total({"p1": 5}, groups, {"process": 0.7, "effect": 0.3}) is None
    assert weighted_total({"p1": 5}, groups, {"process": 1.0, "effect": 0.0}) == 5.0

