"""Standing fuzzing: schemathesis sends schema-driven good and bad input to every API operation.

In-process (WSGI, no sockets), derandomized so a run is repeatable, and budgeted to stay
well under three minutes on two cores. Any 5xx fails. The tests use the `app` fixture,
so they are marked `db` and the PostgreSQL pass repeats them (`-m fuzz` selects them alone).

One test per operation, parametrized from the registered operations. schemathesis's own
`from_fixture` needs pytest's private `_nodeid`, gone in pytest 9, so each test loads the
document from its app and drives the operation's strategy with hypothesis directly.
"""

import re
from typing import Any

import pytest
import schemathesis
from flask import Flask, g
from hypothesis import HealthCheck, given, settings

from app.api.openapi import build_document
from app.extensions import db
from app.people.services import create_user
from app.people.tokens import issue_api_token
from tests.attack_counts import tally
from tests.conftest import TEST_PASSWORD
from tests.security.conftest import Estate

EXAMPLES_PER_MODE = 10
OPERATIONS = [
    (method.upper(), path)
    for path, operations in build_document("http://rounds.test")["paths"].items()
    for method in operations
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_MODE,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def admin_token(app: Flask, estate: Estate) -> str:
    """An administrator's token: the widest reach, so answers come from validation, not 403."""
    admin = create_user("fuzz-admin", "fuzz", ["admin"], password=TEST_PASSWORD)
    token = issue_api_token(admin, "fuzzing")
    db.session.commit()
    return token


@pytest.mark.fuzz
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@pytest.mark.parametrize("mode", ["existing", "positive", "negative"])
def test_no_api_operation_answers_a_server_error(
    app: Flask, admin_token: str, method: str, path: str, mode: str
) -> None:
    """`existing` points every id at the estate's first rows, so edits reach real records."""
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {admin_token}"}
    if mode == "existing":
        ids = {name: 1 for name in re.findall(r"\{(\w+)\}", path)}
        strategy = operation.as_strategy(path_parameters=ids)
    else:
        strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

    @FUZZ_SETTINGS
    @given(case=strategy)
    def call(case: Any) -> None:
        g.pop("_login_user", None)  # requests share the test's app context; see tests.sites.Api
        tried.append(case)
        try:
            response = case.call_and_validate(
                headers=headers, checks=[schemathesis.checks.not_a_server_error]
            )
        except Exception:
            server_errors.append(case)  # the one check there is: a 5xx
            raise
        statuses.append(response.status_code)

    statuses: list[int] = []
    tried: list[Any] = []
    server_errors: list[Any] = []
    try:
        call()
    finally:
        tally("fuzz", len(tried), len(server_errors))
    assert set(statuses) - {401, 403}, "every call was refused: the fuzzing never got in"


def test_the_fuzzing_token_reaches_the_api(app: Flask, admin_token: str) -> None:
    """A wrong token would make every call a documented 401 and hide every 500."""
    response = app.test_client().get(
        "/api/v1/equipment", headers={"Authorization": f"Bearer {admin_token}"}
    )
    assert response.status_code == 200
    assert response.get_json()["total"] == 1
