"""UN votes held in a run, set against the recorded votes a scenario gives."""

from __future__ import annotations

CHOICES = ("for", "against", "abstain")


def record_check(vote: dict) -> dict:
    """How a vote held in the model compares with ``vote['record']``.

    Returns ``compared`` (actors that voted in the model and appear in the record),
    ``matches`` (how many of them voted as on record) and ``differs``: one
    ``{"actor", "model", "record"}`` per actor that voted otherwise. Actors missing from
    the record are not compared.
    """
    on_record = {a: side for side in CHOICES for a in vote.get("record", {}).get(side, [])}
    compared, differs = 0, []
    for side in CHOICES:
        for actor in vote.get(side, []):
            if actor in on_record:
                compared += 1
                if on_record[actor] != side:
                    differs.append({"actor": actor, "model": side, "record": on_record[actor]})
    return {"compared": compared, "matches": compared - len(differs), "differs": differs}


def outcome(vote: dict) -> str:
    """'adopted', 'vetoed by X, Y' or 'not adopted'."""
    if vote.get("vetoed_by"):
        return "vetoed by " + ", ".join(vote["vetoed_by"])
    return "adopted" if vote.get("adopted") else "not adopted"
