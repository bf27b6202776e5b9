"""Every web form, found from the route table, gets junk in every field it renders: no 5xx.

The fields are read from the form page itself, so a new form is swept without anyone
listing it. Values: an id no database holds, a line break, a negative, nothing, 5,000
characters, a decimal and a NUL byte.
"""

import re
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient

from tests.security.conftest import Estate

JUNK = [str(2**63), "a\nb", "-1", "", "x" * 5000, "1.5", "\x00"]
SKIPPED = ("/api/", "/login", "/logout")


class _FieldNames(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = dict(attrs).get("name")
        if tag in ("input", "select", "textarea") and name and name != "csrf_token":
            self.names.append(name)


def _field_names(client: FlaskClient, url: str) -> list[str]:
    page = client.get(url)
    if page.status_code != 200:
        return []
    parser = _FieldNames()
    parser.feed(page.get_data(as_text=True))
    return list(dict.fromkeys(parser.names))


def test_no_form_answers_a_server_error_to_junk_in_its_fields(
    app: Flask, estate: Estate, admin_web: FlaskClient
) -> None:
    failures = []
    tried = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.rule.startswith(SKIPPED):
            continue
        url = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", "1", rule.rule))
        names = _field_names(admin_web, url) if "GET" in (rule.methods or ()) else []
        for value in JUNK:
            response = admin_web.post(url, data={name: value for name in names} or {"x": value})
            tried += 1
            if response.status_code >= 500:
                failures.append((url, value[:12], response.status_code))
    assert tried > 100
    assert failures == []
