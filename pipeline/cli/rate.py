"""`medlegal rate`: one permanent disability rating by hand, the way a rater writes it (docs/rating.md).

    medlegal rate --impairment 15.03.01.00 --wpi 8 --group 360 --age 48 --injury-date 2015-03-02
    15.03.01.00 - 8 - [1.4] 11 - 360G - 13 - 15%
    ...

Repeat --impairment/--wpi for several parts (combined by the Combined Values Chart); --occupation instead of
--group, --birth-date instead of --age, --apportion for the industrial percent (once for every part, or once
per part), --pain for a chapter 18 add-on, --earnings for the weekly rate; --json for the same as data.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from pipeline.errors import ExitCode, RatingError, UsageError


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser(
        "rate",
        help="one PD rating by hand: rating string, weeks and money (an estimate, not a formal rating)",
        description=__doc__.splitlines()[0],
    )
    p.add_argument("--impairment", action="append", default=[], metavar="NUMBER", help="e.g. 15.03.01.00")
    p.add_argument("--wpi", action="append", default=[], type=float, metavar="PERCENT", help="e.g. 8")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--group", type=int, help="occupational group number, e.g. 360")
    who.add_argument("--occupation", metavar="TITLE", help="an occupation title of the schedule")
    old = p.add_mutually_exclusive_group()
    old.add_argument("--age", type=int, help="age on the date of injury")
    old.add_argument("--birth-date", metavar="YYYY-MM-DD")
    p.add_argument("--injury-date", required=True, metavar="YYYY-MM-DD")
    p.add_argument(
        "--apportion", action="append", default=[], type=float, metavar="PERCENT", help="industrial percent"
    )
    p.add_argument("--pain", type=float, default=0, metavar="PERCENT", help="chapter 18 pain add-on (0-3)")
    p.add_argument("--earnings", type=float, metavar="DOLLARS", help="average weekly earnings")
    p.add_argument("--json", action="store_true", help="print the rating as JSON")
    p.set_defaults(handler=run)


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what} must be a date like 2015-03-02, not {text!r}") from None


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    from pipeline.rating.occupation import suggest
    from pipeline.rating.rate import PartInput, age_at, rate_case

    if not args.impairment or len(args.impairment) != len(args.wpi):
        raise UsageError("give each --impairment with its --wpi (e.g. --impairment 15.03.01.00 --wpi 8)")
    if args.apportion and len(args.apportion) not in (1, len(args.impairment)):
        raise UsageError("give --apportion once (every part) or once per --impairment")
    if any(not 0 <= a <= 100 for a in args.apportion) or not 0 <= args.pain <= 3:
        raise UsageError("--apportion is a percent from 0 to 100; --pain from 0 to 3")
    injury = _day(args.injury_date, "--injury-date")
    group = args.group
    if args.occupation:
        found = suggest(args.occupation)
        if not found.certain or found.group is None:
            names = "; ".join(f"{m.occupation.title} ({m.occupation.group})" for m in found.candidates[:5])
            raise RatingError(
                f"{found.reason}. Nearest titles: {names}", hint="give --group, or an exact title"
            )
        group = found.group
    if group is None:
        raise UsageError("give --group or --occupation")
    age = args.age
    if args.birth_date:
        age = age_at(_day(args.birth_date, "--birth-date"), injury)
    if age is None:
        raise UsageError("give --age or --birth-date")
    shares = args.apportion * len(args.impairment) if len(args.apportion) == 1 else args.apportion
    parts = [
        PartInput(body_part=n, laterality=None, wpi=w, number=n, industrial_pct=shares[i] if shares else None)
        for i, (n, w) in enumerate(zip(args.impairment, args.wpi, strict=True))
    ]
    if args.pain:
        parts.append(PartInput(body_part="pain", laterality=None, wpi=args.pain))
    rating = rate_case(parts, injury, group, age, earnings=args.earnings)
    unrated = [p for p in rating.parts if not p.rated]
    if unrated:
        raise RatingError(f"{unrated[0].impairment_number}: " + "; ".join(unrated[0].reasons))
    if args.json:
        sys.stdout.write(json.dumps(as_json(rating), indent=2) + "\n")
    else:
        sys.stdout.write(text(rating))
    return ExitCode.OK


def as_json(rating: Any) -> dict[str, Any]:
    """The rating as data (the fields of the case view's `rating`)."""
    m = rating.money
    return {
        "parts": [
            {
                "impairment_number": p.impairment_number,
                "wpi": p.wpi,
                "pain": p.pain,
                "adjustment": p.adjustment,
                "adjusted": p.adjusted,
                "group": p.group,
                "variant": p.variant,
                "occupational": p.occupational,
                "age_adjusted": p.age_adjusted,
                "industrial_pct": p.industrial_pct,
                "apportioned": p.apportioned,
                "string": p.string,
                "steps": list(p.steps),
            }
            for p in rating.parts
        ],
        "age_at_injury": rating.age,
        "group": rating.group,
        "injury_date": rating.injury.isoformat() if rating.injury else None,
        "pd": rating.pd,
        "combined": list(rating.combine_steps),
        "weeks": m.weeks if m else None,
        "weeks_rule": m.weeks_rule if m else None,
        "weekly_rate": {"min": m.weekly_min, "max": m.weekly_max, "rule": m.earnings_rule} if m else None,
        "amount": {"min": m.amount_min, "max": m.amount_max} if m else None,
        "life_pension": m.life_pension if m else None,
        "notes": [*rating.reasons, *(m.notes if m else ())],
        "basis": rating.basis,
        "label": rating.label,
    }


def _dollars(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "-"
    return f"${low:,.2f}" if low == high else f"${low:,.2f} to ${high:,.2f}"


def text(rating: Any) -> str:
    """The terminal form: the strings first, then the combination, weeks and money."""
    lines = [p.string for p in rating.parts if p.string]
    if len(lines) > 1:
        lines.append("combined (CVC): " + "; ".join(rating.combine_steps))
    m = rating.money
    if m is not None:
        weeks = "for life" if m.weeks is None else f"{m.weeks:g} weeks"
        lines.append(f"PD {rating.pd}%: {weeks} ({m.weeks_rule})")
        if m.weekly_min is not None:
            lines.append(
                f"weekly rate: {_dollars(m.weekly_min, m.weekly_max)} ({m.earnings_rule}, 2/3 of earnings)"
            )
            lines.append(f"amount: {_dollars(m.amount_min, m.amount_max)}")
        if m.life_pension:
            lines.append(m.life_pension)
        lines += list(m.notes)
    lines += list(rating.reasons)
    lines.append(f"{rating.basis}; {rating.label}")
    return "\n".join(lines) + "\n"
