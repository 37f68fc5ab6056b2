"""Facts about people that rules depend on."""

from datetime import date

ADULT_AGE = 18


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_adult(born: date, *, today: date) -> bool:
    """18 or older on `today` (ACCESS.md, adult dependent confidentiality)."""
    return age_on(born, today) >= ADULT_AGE


def match_patient(
    *,
    born: date,
    first_name: str | None,
    subscriber: tuple[date, str],
    dependents: list[tuple[object, date, str]],
) -> tuple[str, object | None] | None:
    """Who under a member number a claim is for, as an eligibility check identifies a patient:
    by birth date, and by first name when two people share it (twins). Returns ("member",
    None), ("dependent", id) or None when nobody, or more than one person, matches."""

    def named(name: str) -> bool:
        return first_name is None or name.strip().casefold() == first_name.strip().casefold()

    people: list[tuple[str, object | None, str]] = []
    if subscriber[0] == born:
        people.append(("member", None, subscriber[1]))
    people += [("dependent", pid, name) for pid, day, name in dependents if day == born]
    if len(people) > 1:
        people = [p for p in people if named(p[2])]
    elif people and first_name is not None and not named(people[0][2]):
        people = []
    return (people[0][0], people[0][1]) if len(people) == 1 else None
