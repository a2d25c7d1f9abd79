"""Statistics, divergence and weighted totals: pure functions over plain answer values."""
from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assessment.question_types import CANNOT_ASSESS

DEFAULT_RULES = {"range": 3, "stdev": 1.2}


@dataclass(frozen=True)
class IndicatorStats:
    n: int
    cannot_assess: int
    mean: float | None
    median: float | None
    min: int | None
    max: int | None
    stdev: float | None
    spread: int | None
    distribution: dict[int, int]


def _is_score(value: Any, levels: Sequence[int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in levels


def indicator_stats(scores: Iterable[Any], levels: Sequence[int]) -> IndicatorStats:
    """n, mean, median, min, max, spread and distribution of the numeric scores; "na" counted apart.

    Every statistic comes from the distribution (a count per level, at most a dozen levels) in
    exact integer sums, so a hundred scores cost no more than ten beyond counting them; the
    results are statistics' fmean, median and pstdev of the same scores (pstdev to the last bit
    or one ulp from it)."""
    scores = list(scores)
    distribution = {level: 0 for level in levels}
    for score in scores:
        if _is_score(score, levels):
            distribution[score] += 1
    cannot_assess = scores.count(CANNOT_ASSESS)
    present = sorted(level for level, count in distribution.items() if count)
    if not present:
        return IndicatorStats(0, cannot_assess, None, None, None, None, None, None, distribution)
    n = sum(distribution.values())
    total = sum(level * count for level, count in distribution.items())
    squares = sum(level * level * count for level, count in distribution.items())
    return IndicatorStats(
        n=n,
        cannot_assess=cannot_assess,
        mean=total / n,
        median=_median(distribution, n),
        min=present[0],
        max=present[-1],
        stdev=math.sqrt((n * squares - total * total) / (n * n)),
        spread=present[-1] - present[0],
        distribution=distribution,
    )


def _median(distribution: Mapping[int, int], n: int) -> float | int:
    """The middle score of n counted ones, or the mean of the two middle ones when n is even."""
    lower, upper = (n - 1) // 2, n // 2      # positions of the middle score(s) in sorted order
    low = None
    seen = 0
    for level in sorted(distribution):
        seen += distribution[level]
        if low is None and seen > lower:
            low = level
        if seen > upper:
            return low if n % 2 else (low + level) / 2
    raise ValueError("n is more than the distribution holds")


@dataclass(frozen=True)
class DivergenceRules:
    """When an indicator's scores count as divergent; any rule that holds flags it."""

    range: float | None = None
    stdev: float | None = None
    split: float | None = None
    min_n: int = 2

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, float] | None) -> DivergenceRules:
        """Rules from a bank's or session's mapping; the defaults when there is none."""
        mapping = mapping or DEFAULT_RULES
        return cls(range=mapping.get("range"), stdev=mapping.get("stdev"), split=mapping.get("split"),
                   min_n=int(mapping.get("min_n", 2)))


def divergence_reasons(stats: IndicatorStats, rules: DivergenceRules, levels: Sequence[int]) -> list[str]:
    """Which rules flag the scores ("range", "stdev", "split"); empty when they agree enough."""
    if stats.n < max(rules.min_n, 2):
        return []
    reasons = []
    if rules.range is not None and stats.spread >= rules.range:
        reasons.append("range")
    if rules.stdev is not None and stats.stdev >= rules.stdev:
        reasons.append("stdev")
    if rules.split is not None:
        midpoint = (min(levels) + max(levels)) / 2
        below = sum(c for level, c in stats.distribution.items() if level < midpoint) / stats.n
        above = sum(c for level, c in stats.distribution.items() if level > midpoint) / stats.n
        if min(below, above) >= rules.split:
            reasons.append("split")
    return reasons


def disagreement_key(stats: IndicatorStats) -> tuple:
    """Sort key putting the most disagreement first: spread of scores, then range, then n."""
    return (-(stats.stdev or 0), -(stats.spread or 0), -stats.n)


def discussion_order(items: Iterable[tuple[str, IndicatorStats, bool]]) -> list[str]:
    """Question ids for the discussion: divergent first, each part by disagreement (stable)."""
    items = list(items)
    ordered = sorted(items, key=lambda item: (not item[2], disagreement_key(item[1])))
    return [question_id for question_id, _stats, _divergent in ordered]


def _grade(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def group_means(values: Mapping[str, Any], groups: Mapping[str, str]) -> dict[str, float | None]:
    """The mean grade of each group's indicators (grades missing or "na" left out)."""
    by_group: dict[str, list[float]] = {group: [] for group in groups.values()}
    for question_id, group in groups.items():
        grade = _grade(values.get(question_id))
        if grade is not None:
            by_group[group].append(grade)
    return {group: statistics.fmean(grades) if grades else None for group, grades in by_group.items()}


def weighted_total(values: Mapping[str, Any], groups: Mapping[str, str],
                   weights: Mapping[str, float]) -> float | None:
    """Sum of weight x group mean; None while a weighted group has no grade."""
    means = group_means(values, groups)
    total = 0.0
    for group, weight in weights.items():
        if weight == 0:
            continue
        mean = means.get(group)
        if mean is None:
            return None
        total += weight * mean
    return total
