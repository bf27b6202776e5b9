"""Where a login (or a language switch) may send the browser afterwards."""

from urllib.parse import urlsplit


def same_site_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: never an attacker's URL.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    `/%09/evil.example` or `/\\evil.example` would become `//evil.example`, another
    host. Anything with a control character or backslash is refused outright.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
