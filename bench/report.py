"""The benchmark's results and the tables it prints."""

from __future__ import annotations

from dataclasses import dataclass

MAX_QUERIES = 10
MAX_GROWTH = 1.25
MAX_FRAGMENT_SHARE = 0.20


@dataclass
class Measured:
    label: str
    queries: list[int]  # the fewest statements one request ran, per site
    query_spread: list[tuple[int, int]]
    medians: list[float]  # seconds
    p95s: list[float]
    sizes: list[int]  # bytes
    statements: list[list[str]]

    @property
    def growth(self) -> float:
        return self.medians[1] / self.medians[0]

    @property
    def problems(self) -> list[str]:
        found = []
        if max(self.queries) > MAX_QUERIES:
            found.append(f"more than {MAX_QUERIES} queries")
        if self.queries[0] != self.queries[1]:
            found.append("query count changes with the data size")
        if self.growth >= MAX_GROWTH:
            found.append(f"median grows {self.growth:.2f}x (target < {MAX_GROWTH})")
        return found


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), "  ".join("-" * width for width in widths), *map(line, rows)])


def scale_label(scale: float) -> str:
    return f"{scale:.1f}" if scale == round(scale, 1) else f"{scale:g}"


def timing_table(measured: list[Measured], scales: list[float]) -> str:
    small, large = (scale_label(scale) for scale in scales)

    def queries(m: Measured, index: int) -> str:
        fewest, most = m.query_spread[index]
        return str(fewest) if fewest == most else f"{fewest}-{most}"

    headers = ["Page (time in ms, size in KB)", f"SQL {small}", f"SQL {large}", f"median {small}"]
    headers += [
        f"median {large}",
        f"p95 {small}",
        f"p95 {large}",
        "growth",
        f"KB {small}",
        f"KB {large}",
        "result",
    ]
    rows = [
        [
            m.label,
            queries(m, 0),
            queries(m, 1),
            *(f"{seconds * 1000:.1f}" for seconds in (*m.medians, *m.p95s)),
            f"{m.growth:.2f}x",
            *(f"{size / 1024:.1f}" for size in m.sizes),
            "FAIL" if m.problems else "PASS",
        ]
        for m in measured
    ]
    return table(headers, rows)


@dataclass(frozen=True)
class Share:
    label: str
    fragment: int
    full: int
    limit: float | None  # None: for information

    @property
    def passed(self) -> bool:
        return self.limit is None or self.fragment / self.full <= self.limit


def share_table(shares: list[Share], scale: float) -> str:
    rows = [
        [
            share.label,
            f"{share.fragment:,}",
            f"{share.full:,}",
            f"{share.fragment / share.full:.1%}",
            "(info)" if share.limit is None else f"<= {share.limit:.0%}",
            "" if share.limit is None else "PASS" if share.passed else "FAIL",
        ]
        for share in shares
    ]
    return table(
        [
            f"htmx response vs full page (scale {scale_label(scale)})",
            "bytes",
            "page",
            "share",
            "target",
            "result",
        ],
        rows,
    )
