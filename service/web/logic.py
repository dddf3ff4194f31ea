"""The web pages' rules, free of I/O: sign-in tokens and rate-limit windows, cookie flags, how
money and times are shown, and the balance chart drawn as SVG."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
SESSION_COOKIE = "ladder_session"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def new_secret() -> tuple[str, bytes]:
    """A random secret for a link or session (32 bytes, URL-safe) and the SHA-256 hash kept."""
    plain = secrets.token_urlsafe(32)
    return plain, hash_secret(plain)


def hash_secret(plain: str) -> bytes:
    return hashlib.sha256(plain.encode()).digest()


def email_problem(email: str) -> str | None:
    """What is wrong with an email typed into the sign-in form, in plain English, or None."""
    if not email:
        return "Enter your email address"
    if len(email) > 254 or not EMAIL.match(email):
        return "Enter an email address in the correct format, like name@example.com"
    return None


def rate_key(kind: str, value: str, secret: bytes) -> str:
    """The counter's key for an email or address: keyed hash, so the table keeps neither."""
    digest = hmac.new(secret, f"{kind}:{value.strip().lower()}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:32]}"


def window_start(now: datetime, minutes: float) -> datetime:
    """The start of the fixed window `now` falls in."""
    size = timedelta(minutes=minutes).total_seconds()
    epoch = now.timestamp()
    return datetime.fromtimestamp(epoch - epoch % size, tz=now.tzinfo)


def secure_cookie(host: str) -> bool:
    """Cookies are Secure except when the page is served to this machine (plain http there)."""
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    return name.lower() not in LOCAL_HOSTS


def money(pence: int) -> str:
    """£1,234.56 (a minus sign before the pound sign when negative)."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def uk_time(moment: datetime) -> str:
    """Monday 4 May 2026 at 2:30pm, in UK time."""
    local = moment.astimezone(UK)
    hour = local.strftime("%I").lstrip("0")
    return f"{local:%A} {local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace(
        "AM", "am").replace("PM", "pm")


def uk_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class Point:
    day: date
    balance_pence: int


def balance_chart(points: list[Point], width: int = 600, height: int = 200) -> str:
    """The balance over time as an SVG step chart (the balance holds until the next entry),
    with a title and description for screen readers; an empty string for no points. The
    chart scales to its container (viewBox), so it never makes the page scroll sideways."""
    if not points:
        return ""
    left, right, top, bottom = 64, 12, 12, 28
    first, last = points[0].day, max(points[-1].day, points[0].day + timedelta(days=1))
    span = (last - first).days or 1
    top_value = max(max(p.balance_pence for p in points), 100)
    low_value = min(0, min(p.balance_pence for p in points))

    def x(day: date) -> float:
        return left + (width - left - right) * (day - first).days / span

    def y(value: int) -> float:
        return top + (height - top - bottom) * (top_value - value) / (top_value - low_value)

    path, previous = [], None
    for p in points:
        if previous is None:
            path.append(f"M{x(p.day):.1f},{y(p.balance_pence):.1f}")
        else:
            path.append(f"H{x(p.day):.1f}V{y(p.balance_pence):.1f}")
        previous = p
    path.append(f"H{x(last):.1f}")
    summary = (f"Your balance went from {money(points[0].balance_pence)} on "
               f"{uk_day(points[0].day)} to {money(points[-1].balance_pence)} on "
               f"{uk_day(points[-1].day)}.")
    labels = [
        f'<text x="{left - 6}" y="{y(top_value) + 4:.1f}" text-anchor="end">'
        f'{escape(money(top_value))}</text>',
        f'<text x="{left - 6}" y="{y(low_value) + 4:.1f}" text-anchor="end">'
        f'{escape(money(low_value))}</text>',
        f'<text x="{left}" y="{height - 8}">{escape(uk_day(first))}</text>',
        f'<text x="{width - right}" y="{height - 8}" text-anchor="end">'
        f'{escape(uk_day(points[-1].day))}</text>',
    ]
    return (
        f'<svg class="ladder-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet" font-family="sans-serif" font-size="13" '
        f'fill="#0b0c0c">'
        f'<title id="chart-title">Balance over time</title>'
        f'<desc id="chart-desc">{escape(summary)}</desc>'
        f'<line x1="{left}" y1="{y(low_value):.1f}" x2="{width - right}" '
        f'y2="{y(low_value):.1f}" stroke="#505a5f"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y(low_value):.1f}" stroke="#505a5f"/>'
        f'<path d="{"".join(path)}" fill="none" stroke="#1d70b8" stroke-width="3"/>'
        + "".join(labels) + "</svg>")
