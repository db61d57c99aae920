"""Reading HTTP answers: what is a bot wall, what deserves a retry, how long
the server asked us to wait.

These are pure functions so their judgement can be tested without a network.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping

#: Statuses worth another try: the server may answer differently soon.
RETRYABLE = {408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 529}

#: Statuses where a bot wall typically hides; only these get their body sniffed.
WALL_STATUSES = {202, 400, 401, 403, 405, 406, 429, 451, 503, 999}

# Header signals: (header, substring of its value or "" for any, who).
_WALL_HEADERS: tuple[tuple[str, str, str], ...] = (
    ("cf-mitigated", "challenge", "Cloudflare challenge"),
    ("x-vercel-mitigated", "", "Vercel security checkpoint"),
    ("x-amzn-waf-action", "", "AWS WAF challenge"),
    ("x-datadome", "", "DataDome bot protection"),
    ("x-dd-b", "", "DataDome bot protection"),
    ("x-sucuri-block", "", "Sucuri firewall"),
    ("x-iinfo", "", "Imperva (Incapsula) bot protection"),
    ("x-px-blocked", "", "HUMAN (PerimeterX) bot protection"),
)

# Body signals, lower-case: phrases that challenge and block pages carry.
_WALL_BODY: tuple[tuple[str, str], ...] = (
    ("<title>just a moment...</title>", "Cloudflare challenge"),
    ("challenge-platform", "Cloudflare challenge"),
    ("cf-browser-verification", "Cloudflare challenge"),
    ("cf_chl_", "Cloudflare challenge"),
    ("attention required! | cloudflare", "Cloudflare block page"),
    ("captcha-delivery.com", "DataDome bot protection"),
    ("px-captcha", "HUMAN (PerimeterX) bot protection"),
    ("incapsula incident id", "Imperva (Incapsula) bot protection"),
    ("_incapsula_resource", "Imperva (Incapsula) bot protection"),
    ("sucuri website firewall", "Sucuri firewall"),
    ("ddos-guard", "DDoS-Guard"),
    ("checking your browser before accessing", "browser check"),
    ("verify you are human", "CAPTCHA"),
    ("are you a robot", "CAPTCHA"),
    ("g-recaptcha", "CAPTCHA"),
    ("h-captcha", "CAPTCHA"),
    ("enable javascript and cookies to continue", "browser check"),
    ("vercel security checkpoint", "Vercel security checkpoint"),
)


def detect_bot_wall(status: int, headers: Mapping[str, str], body: bytes = b"") -> str | None:
    """Return who is walling us off, or None. A wall is not evidence that the
    link is wrong -- only that a robot may not look -- so it is ``blocked``."""

    if status == 999:
        return "anti-bot status 999 (LinkedIn style)"
    lowered = {k.lower(): v for k, v in headers.items()}
    for name, needle, who in _WALL_HEADERS:
        value = lowered.get(name)
        if value is not None and needle in value.lower():
            return who
    if status not in WALL_STATUSES:
        return None
    server = lowered.get("server", "").lower()
    text = body[:65536].decode("utf-8", "replace").lower()
    for needle, who in _WALL_BODY:
        if needle in text:
            return who
    if status == 403 and "akamaighost" in server and "reference" in text:
        return "Akamai bot protection"
    return None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP-date.
    Garbage yields None (the caller then uses its own backoff)."""

    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def backoff_delay(attempt: int, base: float, cap: float, jitter: float = 0.0) -> float:
    """Exponential backoff ``base * 2**(attempt-1)``, capped; ``jitter`` (0..1)
    spreads retries so a crowd of them does not hit a recovering host at once."""

    return min(cap, base * (2 ** max(0, attempt - 1))) * (1.0 - jitter / 2)
