"""UN votes: each resolution held so far, how every modelled actor voted, how that
compares with the record, and the votes still to come."""

from __future__ import annotations

from html import escape

import solara

from sim.votes import CHOICES, outcome
from viz.session import Frame

BODY = {"general_assembly": "General Assembly", "security_council": "Security Council"}


def vote_rows(f: Frame) -> list[dict]:
    """One row per scheduled vote, held ones with their result, in schedule order."""
    held = {v["id"]: v for v in f.summary.get("votes", [])}
    rows = []
    for s in sorted(f.vote_schedule, key=lambda s: s["when"]):
        v = held.get(s["id"])
        row = {"id": s["id"], "title": s["title"], "body": BODY.get(s["body"], s["body"]), "when": s["when"],
               "date": v["date"] if v else s["date"], "held": v is not None}
        if v:
            check = v.get("record_check")  # computed once, in the model's summary
            differs = {d["actor"]: d["record"] for d in check["differs"]} if check else {}
            row.update({c: v[c] for c in CHOICES}, outcome=outcome(v), check=check, differs=differs)
        rows.append(row)
    return rows


def _actors(ids: list[str], differs: dict[str, str]) -> str:
    def one(a: str) -> str:
        if a in differs:
            return (f"<span class='blocsim-vote-differs' data-differs='{escape(a)}' "
                    f"title='on record: {escape(differs[a])}'>{escape(a)}*</span>")
        return escape(a)

    return ", ".join(one(a) for a in ids) or "–"


def votes_html(f: Frame) -> str:
    """The votes as an HTML table (escaped)."""
    head = ("<tr><th>when</th><th>resolution</th><th>result</th><th>for</th><th>against</th>"
            "<th>abstain</th><th>compared with the record</th></tr>")
    body = []
    for r in vote_rows(f):
        when = escape(r["date"])
        title = f"{escape(r['title'])}<br><small>{escape(r['body'])}</small>"
        if not r["held"]:
            body.append(f"<tr data-vote='{escape(r['id'])}' data-held='0' class='blocsim-vote-pending'>"
                        f"<td>{when}</td><td>{title}</td><td colspan=5><i>not yet held</i></td></tr>")
            continue
        check = r["check"]
        if check is None:
            record = "no record given"
        elif check["differs"]:
            record = (f"matches {check['matches']} of {check['compared']}; "
                      + ", ".join(f"{escape(a)} voted {escape(next(c for c in CHOICES if a in r[c]))}, "
                                  f"on record {escape(rec)}" for a, rec in r["differs"].items()))
        else:
            record = f"matches all {check['compared']}"
        cells = "".join(f"<td>{len(r[c])}: {_actors(r[c], r['differs'])}</td>" for c in CHOICES)
        body.append(f"<tr data-vote='{escape(r['id'])}' data-held='1'><td>{when}</td><td>{title}</td>"
                    f"<td>{escape(r['outcome'])}</td>{cells}<td>{record}</td></tr>")
    return head + "".join(body)


@solara.component
def VotesView(frame: Frame):
    """The UN votes table, or a line saying the scenario schedules none."""
    if not frame.vote_schedule:
        solara.Text("This scenario schedules no UN votes.", style={"color": "#666"})
        return
    solara.HTML(tag="table", unsafe_innerHTML=votes_html(frame), classes=["blocsim-table", "blocsim-votes"])
    solara.Text("Counts are of the modelled actors only. * voted otherwise than on record (hover for the "
                "recorded vote). Each vote's reasons are in the event log (kind: diplomatic).",
                style={"font-size": "12px", "color": "#666", "display": "block", "margin-top": "4px"})
