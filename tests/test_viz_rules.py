"""The dashboard's side-by-side rule comparison, without a browser."""

from html import escape

from sim.compare import compare_rules
from viz.components.rules import rules_table_html


def test_rules_table_shows_each_actor_under_each_rule():
    result = compare_rules("teaching_islands", rules=["interest", "landscape"], seed=0, steps=6)
    html = rules_table_html(result)
    assert html.count("<tr>") == 1 + len(result["actors"])          # header + one row per actor
    for r in result["rules"]:
        assert r["title"] in html and f"polarization {r['polarization']:.2f}" in html
    assert "Auria" in html and "Borealis" in html
    bloc_of_auria = result["rules"][0]["bloc_of"]["AUR"]
    assert bloc_of_auria and escape(bloc_of_auria) in html
    assert "<i>non-aligned</i>" in html                              # Fenwick under the interest rule
