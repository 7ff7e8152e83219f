"""Non-identifying aggregates for the statistics page.

Members are counted by position and by country, cases by system and by modality.  No count
below 5 is shown: small member groups are merged into one unnamed "other" row (so a country
with one member is not named at all) and that row, like any small case count, reads
"fewer than 5".  Nothing is cross-tabulated.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..model.library import Library

THRESHOLD = 5


@dataclass
class Row:
    label: str
    count: int | None          # None: fewer than THRESHOLD, not shown

    @property
    def shown(self) -> str:
        return str(self.count) if self.count is not None else f"fewer than {THRESHOLD}"


@dataclass
class Table:
    heading: str
    rows: list[Row]
    total: Row | None          # members only


def _suppressed(count: int) -> int | None:
    return count if count >= THRESHOLD else None


def member_table(heading: str, counts: Counter, labels: dict[str, str], other: str) -> Table:
    rows, small = [], 0
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], labels.get(item[0], item[0]))):
        if count >= THRESHOLD:
            rows.append(Row(labels.get(key, key), count))
        else:
            small += count
    if small:
        rows.append(Row(other, _suppressed(small)))
    return Table(heading, rows, Row("All members", _suppressed(sum(counts.values()))))


def case_table(heading: str, counts: Counter, labels: dict[str, str], order: list[str]) -> Table:
    rows = [Row(labels.get(key, key), _suppressed(counts[key])) for key in order if counts.get(key)]
    return Table(heading, rows, None)


def library_statistics(library: Library, position_labels: dict[str, str], country_labels: dict[str, str],
                       system_labels: dict[str, str], modality_labels: dict[str, str]) -> list[Table]:
    users = list(library.users.values())
    by_position = Counter(u.position for u in users)
    by_country = Counter(u.country for u in users)
    by_system = Counter(s for c in library.cases for s in c.systems)
    by_modality = Counter(label for c in library.cases for label in {modality_labels[m] for m in c.modalities})
    return [
        member_table("Members by professional position", by_position, position_labels, "Other positions (combined)"),
        member_table("Members by country", by_country, country_labels, "Other countries (combined)"),
        case_table("Cases by system", by_system, system_labels, list(system_labels)),
        case_table("Cases by modality", by_modality, {}, list(dict.fromkeys(modality_labels.values()))),
    ]
