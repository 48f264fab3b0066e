"""PAR INDEX benchmark: the score tree of a 300-sub-criterion set with every row on an automatic metric,
over 100,000 dossiers (target < 1 s), and the evidence pack of 500 files streamed to disk (memory stays
near one file, not the pack).

    python bench/index_bench.py [--dossiers N] [--files N] [--file-kb N]

Builds (once, kept in ``bench/out/``) a database with ``par-desktop init --demo --dossiers N``, copies it,
replaces the demo sets of 2024 by a generated one (30 areas × 2 criteria × 5 sub-criteria, each on one of
the metrics in turn, two plan tasks linked to every tenth row), then measures in this process:

- ``score_report(2024)`` (every metric, the tree, risks, per unit): best and median of 5, and how much of
  it is ``avg_resolution_days`` (the one metric computed in Python, dossier by dossier, by
  ``services.service_quality``);
- the same through the command line (``index score --year 2024 --json``, a new process);
- ``write_pack`` of N files of K kB each: time, and the peak of Python memory allocations (tracemalloc)
  against the pack's size.

Results go to bench/out/index.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(REPO))


def _database(dossiers: int) -> Path:
    source = OUT / f"index-demo-{dossiers}.db"
    if not source.exists():
        OUT.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "par_desktop", "--db", str(source), "init", "--demo", "--dossiers",
                        str(dossiers)], check=True, cwd=REPO)
    work = OUT / "index-bench.db"
    shutil.copy(source, work)
    return work


def _big_set() -> int:
    """The generated 2024 set; returns its number of sub-criteria."""
    from par_desktop.db.models import IndexSet, Task
    from par_desktop.domain import par_index as rules
    from par_desktop.domain.text import to_roman
    from par_desktop.services.par_index import criteria, metrics
    from par_desktop.services.session import SYSTEM

    IndexSet.delete().where(IndexSet.year == 2024).execute()
    keys = metrics.keys()
    rows: list[rules.SheetRow] = []
    n = 0
    for a in range(1, 31):
        rows.append(rules.SheetRow(len(rows) + 6, to_roman(a), f"Lĩnh vực {a}"))
        for c in range(1, 3):
            rows.append(rules.SheetRow(len(rows) + 6, f"{c}", f"Tiêu chí {a}.{c}"))
            for s in range(1, 6):
                key = keys[n % len(keys)]
                n += 1
                rows.append(rules.SheetRow(len(rows) + 6, f"{c}.{s}", f"Tiêu chí thành phần {a}.{c}.{s}", "1",
                                           "Tính theo thang điểm", "Tài liệu", "Văn phòng Sở", key,
                                           "≥100%: 1; ≥90%: 0,5; còn lại: 0"))
    parsed = rules.build_set(rows, keys, percent_metrics=metrics.percent_keys())
    criteria.save_parsed(SYSTEM, 2024, parsed, title="Bộ chỉ số thử tải", example=True)
    refs = [t.ref for t in Task.select().order_by(Task.id)]
    leaves = [c for c in parsed.criteria if c.is_leaf]
    for i, leaf in enumerate(leaves[::10]):
        criteria.link_tasks(SYSTEM, 2024, leaf.path, [refs[i % len(refs)], refs[(i + 3) % len(refs)]])
    return len(leaves)


def _files(count: int, kb: int) -> int:
    from par_desktop.services.par_index import criteria, evidence
    from par_desktop.services.session import SYSTEM

    index_set = criteria.require_set(2024)
    leaves = sorted(criteria.leaf_ids(index_set))
    total = 0
    for i in range(count):
        body = b"%PDF-1.4\n" + os.urandom(kb * 1024)
        evidence.add_file(SYSTEM, 2024, [leaves[i % len(leaves)]], (f"tai-lieu-{i:03d}.pdf", body))
        total += len(body)
    return total


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--file-kb", type=int, default=200)
    args = parser.parse_args()
    db = _database(args.dossiers)
    from par_desktop.db.schema import open_database

    open_database(str(db))
    from par_desktop.db.models import Dossier
    from par_desktop.services.par_index import evidence, scoring

    leaves = _big_set()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        report = scoring.score_report(2024)
        times.append(time.perf_counter() - start)
    assert len(report.leaves()) == leaves and all(n.metric for n in report.leaves())
    from par_desktop.services.par_index import criteria, metrics

    period = criteria.metric_period(criteria.require_set(2024))
    resolution = []
    for _ in range(3):
        start = time.perf_counter()
        metrics.compute(period, ["avg_resolution_days"])
        resolution.append(time.perf_counter() - start)
    cli = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "par_desktop", "--db", str(db), "index", "score", "--year", "2024",
                        "--json"], check=True, capture_output=True, cwd=REPO)
        cli.append(time.perf_counter() - start)
    stored = _files(args.files, args.file_kb)
    pack = OUT / "index-pack.zip"
    tracemalloc.start()
    start = time.perf_counter()
    result = evidence.write_pack(2024, pack)
    pack_seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures = {
        "dossiers": Dossier.select().count(), "sub_criteria": leaves,
        "score_tree_best_s": round(min(times), 3), "score_tree_median_s": round(statistics.median(times), 3),
        "index_score_cli_best_s": round(min(cli), 3), "avg_resolution_days_best_s": round(min(resolution), 3),
        "pack_files": result.files, "pack_mb": round(stored / 1024 / 1024, 1), "pack_s": round(pack_seconds, 2),
        "pack_peak_python_mb": round(peak / 1024 / 1024, 1), "pack_zip_mb": round(pack.stat().st_size / 1024 / 1024, 1),
    }
    (OUT / "index.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print("| measurement | figure | target |")
    print("|---|---|---|")
    print(f"| score tree, {leaves} sub-criteria each on a metric, {figures['dossiers']:,} dossiers (`score_report`) | "
          f"{figures['score_tree_best_s']} s best, {figures['score_tree_median_s']} s median | < 1 s |")
    print(f"| of which `avg_resolution_days` (Python, dossier by dossier) | {figures['avg_resolution_days_best_s']} s | — |")
    print(f"| the same as a command (`index score --json`, process start included) | {figures['index_score_cli_best_s']} s | — |")
    print(f"| evidence pack, {result.files} files, {figures['pack_mb']} MB | {figures['pack_s']} s, peak Python memory "
          f"{figures['pack_peak_python_mb']} MB | streamed (≪ pack size) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
