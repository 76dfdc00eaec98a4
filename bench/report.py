"""The benchmark's printed report: one Markdown table per measure, figures aligned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.aggregates import Figure
from bench.exports import Export, Peak
from bench.stats import Latency, ms, ratio, table, times
from bench.writes import Writes

#: p95 at the highest concurrency above which a route misses the issue's target
TARGET_P95_MS = 150.0


@dataclass
class RouteResult:
    label: str
    path: str
    #: by number of concurrent users; None when nothing answered 200
    latencies: dict[int, Latency | None] = field(default_factory=dict)
    queries: int | None = None
    status: int | None = None
    note: str = ""


def _pair(value: Latency | None) -> list[str]:
    return [ms(value.p50), ms(value.p95)] if value else ["—", "—"]


def routes_table(results: Sequence[RouteResult], bare: dict[int, Latency], users: Sequence[int]) -> str:
    top = max(users)
    header = ["Route"]
    for count in users:
        header += [f"p50 @{count}", f"p95 @{count}"]
    header += [f"nu p50/p95 @{count}" for count in users]
    header += [f"p95 @{top} ÷ nu", f"req/s @{top}", "requêtes SQL", "erreurs"]
    rows = []
    for result in results:
        cells = [result.label + (" ⚠" if _over_target(result, top) else "")]
        for count in users:
            cells += _pair(result.latencies.get(count))
        cells += [f"{ms(bare[count].p50)}/{ms(bare[count].p95)}" for count in users]
        at_top = result.latencies.get(top)
        cells += [
            times(ratio(at_top.p95 if at_top else None, bare[top].p95)),
            f"{at_top.rate:.0f}" if at_top else "—",
            "—" if result.queries is None else str(result.queries),
            _errors(result),
        ]
        rows.append(cells)
    return table(header, rows)


def _over_target(result: RouteResult, top: int) -> bool:
    at_top = result.latencies.get(top)
    return at_top is None or at_top.p95 > TARGET_P95_MS


def _errors(result: RouteResult) -> str:
    failed = sum(value.errors for value in result.latencies.values() if value)
    text = str(failed)
    if result.note:
        text += f" ({result.note})"
    return text


def aggregates_table(figures: Sequence[Figure]) -> str:
    rows = [
        [
            figure.label,
            ms(figure.app_ms),
            ms(figure.bare_ms),
            times(ratio(figure.app_ms, figure.bare_ms)),
            "oui" if figure.same else "NON",
        ]
        for figure in figures
    ]
    return table(["Figure", "service (ms)", "SQL nu (ms)", "rapport", "même valeur"], rows)


def writes_text(writes: Writes | None, error: str | None) -> str:
    if writes is None:
        return f"Écritures non mesurées : {error}"
    lines = [
        f"Relevés écrits un par un par l'API ({writes.statements} relevés, un utilisateur) :",
        f"- déclarés : {writes.declared_per_second:.1f} par seconde",
        f"- déclarés puis validés (deux requêtes chacun) : {writes.validated_per_second:.1f} par seconde",
    ]
    if writes.batch_per_second is not None:
        lines.append(
            f"- par lots ({', '.join(writes.batch_paths)}, déclarés et validés) : "
            f"{writes.batch_per_second:.0f} par seconde ({writes.batch_statements} relevés)"
        )
    elif writes.batch_paths:
        lines.append("- endpoint par lot présent, non mesuré : " + ", ".join(writes.batch_paths))
    else:
        lines.append("- endpoint par lot : il n'y en a pas (aucun POST sous /api/v1/releves hors un par un)")
    return "\n".join(lines)


def exports_text(exports: Sequence[Export], peak: Peak | None) -> str:
    rows = [
        [
            export.label,
            export.path.split("/", 3)[-1],
            f"{export.seconds:.2f}",
            _mib(export.bytes),
            str(export.status),
        ]
        for export in exports
    ]
    text = table(["Export", "chemin", "durée (s)", "taille", "statut"], rows, right_from=2)
    if peak is not None:
        grown = (peak.after_kib - peak.before_kib) / 1024
        text += (
            f"\n\nLe plus lourd, « {peak.export.label} », seul sur un worker neuf : "
            f"{peak.export.seconds:.2f} s, {_mib(peak.export.bytes)} ; mémoire résidente maximale du worker "
            f"(VmHWM) {peak.before_kib / 1024:.0f} Mio après une page de la liste, "
            f"{peak.after_kib / 1024:.0f} Mio après l'export (+{grown:.0f} Mio)."
        )
    return text


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mio" if size >= 1024 * 1024 else f"{size / 1024:.0f} Kio"
