"""Structural validation of one catalog document against ``equipment_catalog/schema.json``.

JSON Schema catches shape errors (missing fields, typos in field names, wrong
types); its stock messages are rewritten into short sentences that point at the
key to fix. Meaning-level rules live in :mod:`app.catalog.checks`.
"""

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from app.catalog.problems import Finding, KeyPath

SCHEMA_RESOURCE = "schema.json"
DATA_PACKAGE = "equipment_catalog"
_UNEXPECTED = re.compile(r"\((.*) (?:was|were) unexpected\)")
_QUOTED = re.compile(r"'([^']*)'")
_JSON_TYPES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


@cache
def catalog_schema() -> Mapping[str, Any]:
    """The JSON Schema shipped with the data, so tools outside Python can use it too."""
    text = files(DATA_PACKAGE).joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    return json.loads(text)


def document_kind(document: Mapping[str, Any]) -> str | None:
    """Which ``$defs`` entry describes this document, judged by its first key."""
    if "family" in document:
        return "family_file"
    if document.get("library") == "patrol":
        return "patrol_library_file"
    if "library" in document:
        return "area_library_file"
    return None


@cache
def _validator(kind: str) -> Draft202012Validator:
    schema = catalog_schema()
    return Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{kind}"})


def schema_findings(document: Mapping[str, Any]) -> list[Finding]:
    """Every structural problem of one document, in document order."""
    kind = document_kind(document)
    if kind is None:
        return [Finding((), 'a catalog file must start with "family:" or "library:"')]
    findings: list[Finding] = []
    for error in _validator(kind).iter_errors(document):
        for finding in _findings_for(error):
            if finding not in findings:
                findings.append(finding)
    return findings


def _findings_for(error: ValidationError) -> list[Finding]:
    path: KeyPath = tuple(error.absolute_path)
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        match = _UNEXPECTED.search(error.message)
        names = _QUOTED.findall(match[1]) if match else []
        return [Finding((*path, name), "unknown field") for name in names]
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return [Finding(path, f'missing required field "{name}"') for name in missing]
    return [Finding(path, _message(error))]


def _message(error: ValidationError) -> str:
    custom = error.schema.get("x-error") if isinstance(error.schema, Mapping) else None
    if custom:
        return f"{custom}; got {_describe(error.instance)}"
    if error.validator in ("oneOf", "anyOf") and error.context:
        return _message(best_match(error.context))
    if error.validator == "type":
        return f"expected {_JSON_TYPES.get(error.validator_value, error.validator_value)}, got " + (
            _describe(error.instance)
        )
    if error.validator == "enum":
        allowed = ", ".join(str(value) for value in error.validator_value)
        return f"{_describe(error.instance)} is not one of: {allowed}"
    if error.validator == "const":
        return f"must be {_describe(error.validator_value)}, got {_describe(error.instance)}"
    if error.validator in ("minItems", "minProperties", "minLength"):
        return "must not be empty"
    if error.validator == "minimum":
        return f"must be at least {error.validator_value}, got {_describe(error.instance)}"
    return error.message


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return json.dumps(value) if value is None or isinstance(value, bool) else str(value)
