"""Every route, walked with every role: nobody reaches what the permission table denies.

The walk uses ids that do not exist, so a permitted request may answer 404 but
must never answer 403 (the table says yes) or 500 (a server error is a bug);
a forbidden one must answer 403 whatever the id.
"""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from app.auth.permissions import AUTHENTICATED, PUBLIC, ROLES, can, required_permission
from tests.attack_counts import tally

MISSING_ID = 987654
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
# Endpoints that end the session or switch state for the whole client are walked last.
SESSION_ENDING = {"auth.logout"}


def _url(rule: Rule) -> str:
    values: dict[str, object] = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        values[name] = MISSING_ID if "Integer" in converter else "missing"
    return rule.build(values)[1]  # type: ignore[index]


def _routes(app: Flask) -> Iterator[tuple[str, str, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ("static", "bootstrap.static") or rule.endpoint in SESSION_ENDING:
            continue
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            yield rule.endpoint, method, _url(rule)


def _call(client: FlaskClient, method: str, url: str) -> int:
    return client.open(url, method=method, json={} if method != "GET" else None).status_code


def test_every_endpoint_declares_a_permission(app: Flask) -> None:
    with app.test_request_context():
        undeclared = [
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if required_permission(rule.endpoint) is None
        ]
    assert undeclared == []


def test_anonymous_visitors_reach_only_public_endpoints(app: Flask, client: FlaskClient) -> None:
    leaks = []
    for endpoint, method, url in _routes(app):
        with app.test_request_context():
            permission = required_permission(endpoint)
        status = _call(client, method, url)
        if permission != PUBLIC and status not in (302, 401):
            leaks.append((endpoint, method, url, status))
    assert leaks == []


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_reaches_exactly_what_the_permission_table_allows(
    app: Flask, login: Callable[[str], FlaskClient], role: str
) -> None:
    client = login(role)
    problems = []
    for endpoint, method, url in _routes(app):
        with app.test_request_context():
            permission = required_permission(endpoint)
        assert permission is not None
        allowed = permission in (PUBLIC, AUTHENTICATED) or can(frozenset({role}), permission)
        status = _call(client, method, url)
        if status >= 500:
            problems.append((endpoint, method, url, status, "server error"))
        elif allowed and status in (401, 403):
            problems.append((endpoint, method, url, status, "refused although allowed"))
        elif not allowed and status != 403:
            problems.append((endpoint, method, url, status, "LEAK: reachable although denied"))
    tally("access", len(list(_routes(app))), sum("LEAK" in p[-1] for p in problems))
    assert problems == []
