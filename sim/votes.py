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


KIND_PHRASE = {"condemnation": "condemns", "suspension": "suspends from a UN body",
               "reparations": "asks reparations from", "peace_terms": "sets peace terms for",
               "sanctions_monitoring": "keeps sanctions monitoring on"}


def coalition_seat(scenario, world, i: int) -> int | None:
    """The coalition without a UN seat whose line actor i votes (bloc discipline), or None."""
    aid = world.ids[i]
    for cid, actor in scenario.actors.items():
        if actor.kind == "coalition" and aid in actor.members and not actor.un_member:
            return world.index[cid]
    return None


def vote_choice(scenario, world, i: int, t: int, score: float, vote=None) -> tuple[str, str, str]:
    """(choice, action item, reason) of actor i on a resolution against t (docs/THEORIES.md, UN votes).

    ``score`` is i's affinity to t less the reputation pull. With bloc discipline a member of
    a coalition that has no UN seat takes the coalition's score instead; the resolution's
    kind then shifts the score (``un.kind_shift``): i votes against above ``un.against_above``,
    for below ``un.for_below``, and abstains in between.
    """
    from sim.actions import prose_name

    u = scenario.un
    if i == t:
        return "against", "vote_for", "the resolution condemns it"
    kind = vote.kind if vote is not None else "condemnation"
    name, rep = prose_name(world.names[t]), world.reputation[i]
    aff = world.affinity[i, t]
    ties = f"affinity {aff:+.2f}"
    seat = coalition_seat(scenario, world, i) if u.bloc_discipline else None
    if seat is not None:
        aff = world.affinity[seat, t]
        score = aff - u.reputation_weight * world.reputation[seat]
        ties = f"it votes the line of {prose_name(world.names[seat])}, whose affinity is {aff:+.2f}"
    shift = u.kind_shift.get(kind, 0.0)
    score += shift
    asked = f"; the resolution {KIND_PHRASE[kind]} {name}" if shift else ""
    standing = f" and it cares about its standing (reputation concern {rep:.1f})" if rep >= 0.3 else ""
    if score > u.against_above:
        return "against", "vote_for", f"it is close to {name} ({ties}){asked}"
    if score < u.for_below:
        return "for", "vote_against", f"its ties to {name} are weak ({ties}){standing}{asked}"
    return "abstain", "abstain", (f"it wants to keep its ties to {name} ({ties}) "
                                  f"without openly backing it{standing}{asked}")
