"""An API caller per role, authenticated by bearer token like a real integration."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.extensions import db
from app.people.models import User
from app.people.tokens import issue_api_token


class Api:
    """Calls /api/v1 with a bearer token.

    The test's app context outlives requests, so Flask-Login's cached user (in `g`)
    is dropped before each call: otherwise a second caller would act as the first.
    """

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, url: str, body: Any = None, **query: Any) -> TestResponse:
        g.pop("_login_user", None)
        return self.client.open(
            f"/api/v1{url}", method=method, json=body, query_string=query, headers=self.headers
        )

    def get(self, url: str, **query: Any) -> TestResponse:
        return self.call("GET", url, **query)

    def post(self, url: str, body: Any) -> TestResponse:
        return self.call("POST", url, body)

    def patch(self, url: str, body: Any) -> TestResponse:
        return self.call("PATCH", url, body)

    def put(self, url: str, body: Any) -> TestResponse:
        return self.call("PUT", url, body)

    def delete(self, url: str) -> TestResponse:
        return self.call("DELETE", url)


@pytest.fixture
def api(app: Flask, make_user: Callable[..., User]) -> Callable[[str], Api]:
    """`api("admin")` gives a caller acting as a fresh user of that role."""

    def for_role(role: str) -> Api:
        user = make_user(role, f"api-{role}")
        token = issue_api_token(user, "tests")
        db.session.commit()
        return Api(app.test_client(), token)

    return for_role
