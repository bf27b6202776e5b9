"""The OpenAPI document leads a generated client to real routes, with every answer described."""

import re
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient


def _document(client: FlaskClient) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_server_url_does_not_repeat_the_prefix_the_paths_carry(client: FlaskClient) -> None:
    document = _document(client)
    server = document["servers"][0]["url"]
    assert server == "http://rounds.test"
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert not any("/api/v1/api/v1" in server + path for path in document["paths"])


def test_every_documented_operation_reaches_its_own_route(app: Flask, client: FlaskClient) -> None:
    document = _document(client)
    adapter = app.url_map.bind("rounds.test")
    checked = 0
    for path, operations in document["paths"].items():
        url = urlsplit(document["servers"][0]["url"] + re.sub(r"\{[^}]+\}", "7", path)).path
        for method, operation in operations.items():
            endpoint, _args = adapter.match(url, method=method.upper())
            assert endpoint == f"api.{operation['operationId']}", (method, path)
            checked += 1
    assert checked >= 30


def test_every_operation_states_its_security_and_error_schemas(client: FlaskClient) -> None:
    document = _document(client)
    schemes = set(document["components"]["securitySchemes"])
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert "security" in operation, where
            assert {name for req in operation["security"] for name in req} <= schemes
            responses = operation["responses"]
            if operation["security"]:
                assert {"401", "403"} <= set(responses), where
            if "{" in path:
                assert "404" in responses, where
            if "requestBody" in operation:
                assert {"400", "422"} <= set(responses), where
            for status, response in responses.items():
                if not status.startswith("2"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, where


def test_integers_in_the_document_are_bounded_to_what_the_database_holds(
    client: FlaskClient,
) -> None:
    document = _document(client)
    unbounded = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            kinds = node.get("type")
            integer = kinds == "integer" or (isinstance(kinds, list) and "integer" in kinds)
            if integer and ("maximum" not in node or "minimum" not in node):
                unbounded.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(document["paths"], "paths")
    walk({k: v for k, v in document["components"]["schemas"].items()}, "schemas")
    request_side = [w for w in unbounded if "responses" not in w]
    assert request_side == []
