"""Every source id a shipped file cites is an entry of docs/SOURCES.md, and no shipped file
points at the project brief (FACTS.md, the seed articles), which users never get."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CITED = re.compile(r"\[(S-[A-Z0-9]+(?:-[A-Z0-9]+)*)\]")
DEFINED = re.compile(r"^- \*\*\[(S-[A-Z0-9-]+)\]\*\*", re.M)
OUTSIDE = re.compile(r"FACTS\.md|shared/brief|shared/seeds")


def shipped_files() -> list[Path]:
    """Scenarios, the record, exercises, docs, the code and the README."""
    files = [ROOT / "README.md"]
    for folder, patterns in (("scenarios", ("*.yaml",)), ("exercises", ("*.yaml", "*.md")),
                             ("docs", ("*.md",)), ("sim", ("*.py",)), ("viz", ("*.py",))):
        for pattern in patterns:
            files += sorted((ROOT / folder).rglob(pattern))
    return files


def defined_ids() -> set[str]:
    return set(DEFINED.findall((ROOT / "docs" / "SOURCES.md").read_text(encoding="utf-8")))


def cited_ids(path: Path) -> set[str]:
    return set(CITED.findall(path.read_text(encoding="utf-8")))


def test_sources_page_defines_each_id_once():
    ids = DEFINED.findall((ROOT / "docs" / "SOURCES.md").read_text(encoding="utf-8"))
    assert len(ids) > 30
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_cited_source_is_in_sources_md(path):
    missing = cited_ids(path) - defined_ids()
    assert not missing, f"{path.relative_to(ROOT)} cites {sorted(missing)}, which docs/SOURCES.md lacks"


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_file_cites_the_brief(path):
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if OUTSIDE.search(line)]
    assert not hits, f"{path.relative_to(ROOT)} lines {hits} cite a file outside the project (use a docs/SOURCES.md id)"


def test_historical_scenarios_cite_sources():
    for name in ("feb2022_baseline", "drone_deal_2022", "dprk_munitions_2023_24", "us_pullback_2025"):
        assert len(cited_ids(ROOT / "scenarios" / f"{name}.yaml")) >= 3, name


def test_the_check_catches_an_unknown_id(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("source: \"[S-NO-SUCH-SOURCE-1999]: a figure\"\n")
    assert cited_ids(bad) - defined_ids() == {"S-NO-SUCH-SOURCE-1999"}
