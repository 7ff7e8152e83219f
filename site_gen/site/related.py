"""Related cases: same diagnosis first, then shared systems and tags."""
from __future__ import annotations

from collections import defaultdict

from ..model.case import Case

WEIGHTS = {"diagnosis": 5, "tag": 2, "system": 1}


def related_cases(cases: list[Case], limit: int = 5) -> dict[str, list[Case]]:
    """For each case slug, up to `limit` others sharing something, best first."""
    by_key: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in cases:
        by_key[("diagnosis", case.diagnosis.strip().lower())].append(case)
        for tag in case.tags:
            by_key[("tag", tag)].append(case)
        for system in case.systems:
            by_key[("system", system)].append(case)
    related = {}
    lookup = {c.slug: c for c in cases}
    for case in cases:
        scores: dict[str, int] = defaultdict(int)
        keys = [("diagnosis", case.diagnosis.strip().lower())] + [("tag", t) for t in case.tags] + \
               [("system", s) for s in case.systems]
        for kind, value in keys:
            group = by_key[(kind, value)]
            if len(group) > 200:  # a huge group (e.g. every chest case) says little and costs much
                continue
            for other in group:
                if other.slug != case.slug:
                    scores[other.slug] += WEIGHTS[kind]
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        related[case.slug] = [lookup[slug] for slug, _ in best]
    return related
