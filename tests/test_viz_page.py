"""The whole dashboard page rendered in-process (no browser, no server): wiring and bad input."""

import subprocess
import sys

import ipyvuetify as v
import pytest
import solara

from viz.app import Page


def button(rc, cls):
    return next(w for w in rc.find(v.Btn).widgets if cls in (w.class_ or "").split())


def text_of(rc) -> str:
    """Every piece of text and HTML on the page, joined."""
    out, todo, seen = [], [rc.container], set()
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        html = getattr(w, "unsafe_innerHTML", None)
        if html:
            out.append(html)
        for child in getattr(w, "children", None) or []:
            (out.append(child) if isinstance(child, str) else todo.append(child))
    return "\n".join(out)


@pytest.fixture
def page():
    _, rc = solara.render(Page(), handle_error=False)
    yield rc
    rc.close()


def test_page_shows_the_run_and_the_active_rule(page):
    text = text_of(page)
    assert "step 0 /" in text and "Alignment rule" in text


def test_step_button_advances_and_redraws(page):
    button(page, "blocsim-step").click()
    assert "step 1 /" in text_of(page)


def test_bad_settings_show_messages_in_the_page(page):
    seed = next(w for w in page.find(v.TextField).widgets if w.label == "Seed")
    seed.v_model = "minus one"
    seed.fire_event("focusout", None)  # what a browser sends when the field loses focus
    button(page, "blocsim-apply").click()
    assert "seed: got 'minus one'" in text_of(page)
    button(page, "blocsim-step").click()
    assert "step 1 /" in text_of(page), "the page keeps working after an error"


def test_two_pages_do_not_share_a_run():
    _, a = solara.render(Page(), handle_error=False)
    _, b = solara.render(Page(), handle_error=False)
    button(a, "blocsim-step").click()
    button(a, "blocsim-step").click()
    assert "step 2 /" in text_of(a) and "step 0 /" in text_of(b)
    a.close()
    b.close()


def test_dashboard_command_rejects_bad_input_without_starting(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndescription: y\nactors: {A: {name: A}}\n")
    for args, expected in ((["nosuch"], "nosuch"), ([str(bad)], "bad.yaml"),
                           (["--port", "70000"], "out of range"), (["--host", "nowhere.invalid"], "--host")):
        r = subprocess.run([sys.executable, "-m", "sim.cli", "dashboard", *args], capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 2 and expected in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr


def test_sim_does_not_import_the_dashboard():
    code = "import sys, sim.cli, sim.model; sim.cli.build_parser(); print('viz' in sys.modules, 'solara' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.split() == ["False", "False"]


def test_a_failing_view_shows_a_message_and_the_rest_keeps_working(monkeypatch):
    import viz.components.heatmap as heatmap

    def broken(frame):
        raise RuntimeError("boom")

    monkeypatch.setattr(heatmap, "heatmap_option", broken)
    _, rc = solara.render(Page(), handle_error=False)
    text = text_of(rc)
    assert "The heatmap view failed: RuntimeError: boom" in text
    assert "Alignment rule" in text, "the header still shows"
    button(rc, "blocsim-step").click()
    assert "step 1 /" in text_of(rc)
    rc.close()
