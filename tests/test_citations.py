"""What the dashboard header, `blocsim compare` and `blocsim reference` cite must exist."""

import re
from pathlib import Path

from sim.alignment import RULES
from sim.reference import render

ROOT = Path(__file__).resolve().parents[1]


def test_every_cited_document_exists():
    sources = [line for line in render().splitlines() if line.startswith("Source:")]
    cited = " ".join(cls.citation for cls in RULES.values()) + " ".join(sources)
    files = set(re.findall(r"[\w./-]+\.md\b", cited))
    assert "docs/THEORIES.md" in files
    missing = [f for f in files if not (ROOT / f).exists()]
    assert not missing, f"cited but not in the repository: {missing}"
