"""Our own structural lint of an .ics body: what no parser checks (tech-notes §2.1).

CRLF only; every physical line ≤ 75 octets (octets, not characters: a Chinese
character is 3) and never split inside a UTF-8 sequence; BEGIN/END balanced; one
VCALENDAR with VERSION and PRODID and no METHOD; each VEVENT with UID, DTSTAMP and
DTSTART, unique UIDs, DTEND after DTSTART; a VTIMEZONE for every TZID; under 700 KB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

MAX_OCTETS = 75
MAX_BYTES = 700 * 1024


@dataclass
class Component:
    name: str
    props: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def get(self, name: str) -> tuple[dict[str, str], str] | None:
        for prop, params, value in self.props:
            if prop == name:
                return params, value
        return None

    def walk(self, name: str) -> list[Component]:
        found = [self] if self.name == name else []
        for child in self.children:
            found.extend(child.walk(name))
        return found


_LINE = re.compile(r"(?P<name>[A-Za-z0-9-]+)(?P<params>(;[^:]*)?):(?P<value>.*)", re.S)


def _parse_params(raw: str) -> dict[str, str]:
    params = {}
    for part in filter(None, raw.split(";")):
        key, _sep, value = part.partition("=")
        params[key.upper()] = value.strip('"')
    return params


def _when(params: dict[str, str], value: str) -> datetime:
    if value.endswith("Z"):
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=ZoneInfo("UTC"))
    if "T" not in value:
        return datetime.strptime(value, "%Y%m%d").replace(tzinfo=ZoneInfo("UTC"))
    naive = datetime.strptime(value, "%Y%m%dT%H%M%S")
    return naive.replace(tzinfo=ZoneInfo(params["TZID"])) if "TZID" in params else naive


def lint(body: bytes) -> list[str]:
    """Every problem found; an empty list means the body passed."""
    problems: list[str] = []
    if len(body) > MAX_BYTES:
        problems.append(f"body is {len(body)} bytes, over {MAX_BYTES}")
    if not body.endswith(b"\r\n"):
        problems.append("body does not end with CRLF")
    if b"\n" in body.replace(b"\r\n", b"") or b"\r" in body.replace(b"\r\n", b""):
        problems.append("a line ends without CRLF")
    physical = body.split(b"\r\n")
    if physical and physical[-1] == b"":
        physical.pop()
    for number, line in enumerate(physical, start=1):
        if len(line) > MAX_OCTETS:
            problems.append(f"line {number} is {len(line)} octets")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} is folded inside a UTF-8 character")
    text = re.sub(r"\r\n[ \t]", "", body.decode("utf-8", errors="replace"))
    root = Component("ROOT")
    stack = [root]
    for line in filter(None, text.split("\r\n")):
        match = _LINE.fullmatch(line)
        if match is None:
            problems.append(f"malformed line {line[:40]!r}")
            continue
        name, value = match["name"].upper(), match["value"]
        if name == "BEGIN":
            child = Component(value.upper())
            stack[-1].children.append(child)
            stack.append(child)
        elif name == "END":
            if len(stack) == 1 or stack[-1].name != value.upper():
                problems.append(f"END:{value} does not close {stack[-1].name}")
            else:
                stack.pop()
        else:
            stack[-1].props.append((name, _parse_params(match["params"] or ""), value))
    if len(stack) != 1:
        problems.append(f"{stack[-1].name} is never closed")
    calendars = root.walk("VCALENDAR")
    if len(calendars) != 1:
        problems.append(f"{len(calendars)} VCALENDARs")
        return problems
    cal = calendars[0]
    for required in ("VERSION", "PRODID"):
        if cal.get(required) is None:
            problems.append(f"calendar has no {required}")
    if cal.get("METHOD") is not None:
        problems.append("calendar has METHOD")
    zones = {tz.get("TZID")[1] for tz in cal.walk("VTIMEZONE") if tz.get("TZID")}  # type: ignore[index]
    used: set[str] = set()
    uids: set[str] = set()
    for event in cal.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            if event.get(required) is None:
                problems.append(f"event without {required}")
        for _prop, params, _value in event.props:
            if "TZID" in params:
                used.add(params["TZID"])
        uid = event.get("UID")
        if uid is not None:
            if uid[1] in uids:
                problems.append(f"duplicate UID {uid[1]}")
            uids.add(uid[1])
        start, end = event.get("DTSTART"), event.get("DTEND")
        if start is not None and end is not None and _when(*end) <= _when(*start):
            problems.append(f"event {uid[1] if uid else '?'} ends before it starts")
    for missing in sorted(used - zones):
        problems.append(f"TZID {missing} has no VTIMEZONE")
    return problems
