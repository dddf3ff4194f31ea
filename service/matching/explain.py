"""What a pathway and each of its courses say about why: plain sentences with the numbers
behind them, free of I/O."""

from collections.abc import Sequence

from service.accounts.logic import pounds
from service.matching.logic import Choice, Cover, Gap

ATTENDANCE = {"daytime": "daytime", "evening": "evening", "weekend": "weekend",
              "day_release": "day release", "self_paced": "self-paced"}
DELIVERY = {"classroom": "in a classroom", "online": "online", "blended": "blended",
            "work_based": "work-based"}


def money(pence: int) -> str:
    return f"£{pounds(pence)}"


def labels(gaps: Sequence[Gap]) -> str:
    names = [g.label for g in gaps]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def course_why(choice: Choice, worker_level: str, focus_digital: bool) -> str:
    offer = choice.offer
    parts = [f"Closes {count(len(choice.covers), 'gap')}: {labels(choice.covers)}."]
    digital = [g for g in choice.covers if g.digital]
    if digital and focus_digital:
        parts.append(f"Digital: {labels(digital)}, closed first as asked.")
    if offer.level:
        parts.append(f"RQF level {offer.level} ({offer.band}).")
    when = (f"starting {offer.starts_on.isoformat()}" if offer.starts_on else "flexible start")
    how = ", ".join(x for x in (ATTENDANCE.get(offer.attendance or ""),
                                DELIVERY.get(offer.delivery or "")) if x)
    where = f" at {offer.venue_postcode}" if offer.venue_postcode and offer.delivery != "online" \
        else ""
    parts.append(f"{(how + ', ') if how else ''}{when}{where}, by {offer.provider_name}.")
    cost = money(offer.cost_pence) if offer.cost_pence is not None else "no cost given (counted " \
        "as £0.00)"
    places = "" if offer.places_left is None else f"; {count(offer.places_left, 'place')} left"
    parts.append(f"Cost {cost}{places}.")
    if choice.daytime_fallback:
        parts.append("Its hours may not suit part-time or zero-hours work, but no evening, "
                     "weekend, self-paced, online or blended course that fits closes "
                     f"{labels(choice.covers)}.")
    if choice.below_level:
        parts.append(f"It is below your level ({worker_level}): no course at or above it "
                     f"closes {labels(choice.covers)}.")
    return " ".join(parts)


def pathway_why(occupation_label: str, occupation_risk: float, target_label: str,
                target_risk: float, similarity: float, shared: int, missing: int,
                gaps: Sequence[Gap], result: Cover, available: int, earmarked: int,
                can_afford: bool) -> str:
    drop = occupation_risk - target_risk
    parts = [f"{target_label} is safer: automation risk {target_risk:.2f} against "
             f"{occupation_risk:.2f} for {occupation_label} (a drop of {drop:.2f}), and close "
             f"in skills: similarity {similarity:.2f}, {shared} of your occupation's essential "
             f"skills shared, {missing} of its own missing from your occupation."]
    if not gaps:
        parts.append("You already hold every essential skill it needs at level 2 or above: "
                     "no course is needed.")
        return " ".join(parts)
    digital = [g for g in gaps if g.digital]
    lack = f"You lack {len(gaps)} of its essential skills at level 2 or above"
    parts.append(lack + (f", {len(digital)} of them digital ({labels(digital)})." if digital
                         else ", none of them digital."))
    closed = len(gaps) - len(result.uncovered)
    if result.choices:
        parts.append(f"{count(len(result.choices), 'course')} close {closed} of the "
                     f"{len(gaps)} gaps for {money(result.total_cost_pence)}.")
    if result.uncovered:
        parts.append(f"No course that fits you closes {labels(result.uncovered)}.")
    if not result.choices:
        return " ".join(parts)
    have = f"you have {money(available)} available"
    if earmarked:
        have += f" ({money(earmarked)} of it earmarked)"
    if can_afford:
        parts.append(f"It costs {money(result.total_cost_pence)} and {have}: affordable.")
    else:
        short = result.total_cost_pence - available
        parts.append(f"It costs {money(result.total_cost_pence)} and {have}: "
                     f"{money(short)} short, not affordable yet.")
    return " ".join(parts)
