"""Time: everything stored is UTC; a "day" (today's reviews, streaks, the new-card limit) is a local calendar day.

The local zone is the `timezone` setting when set (an IANA name), else the system's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_zone(name: str | None = None) -> tzinfo:
    if name:
        return ZoneInfo(name)
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def day_start(day: date, zone: tzinfo) -> datetime:
    """The UTC instant at which the local `day` begins."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_bounds(moment: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    day = local_day(moment, zone)
    return day_start(day, zone), day_start(day + timedelta(days=1), zone)
