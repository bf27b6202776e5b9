"""Supervisors browse the catalog in the app and through the `rounds` command."""

import json
from collections.abc import Callable

from flask.testing import FlaskClient, FlaskCliRunner


def test_the_elevator_type_page_shows_its_tiers_ceiling_and_legal_basis(
    login: Callable[[str], FlaskClient],
) -> None:
    client = login("supervisor")
    page = client.get("/catalog/types/traction_elevator").get_data(as_text=True)
    assert "TSG T5002" in page
    assert "15" in page  # the statutory ceiling in days
    assert page.count('class="card mb-3"') >= 4  # half-monthly, quarterly, half-yearly, annual


def test_the_catalog_index_lists_every_family_and_the_libraries(
    login: Callable[[str], FlaskClient],
) -> None:
    page = login("viewer").get("/catalog/").get_data(as_text=True)
    for link in (
        "/catalog/types/fire_pump",
        "/catalog/libraries/cleaning",
        "/catalog/libraries/patrol",
    ):
        assert link in page


def test_an_unknown_type_is_a_404_page_not_an_error(login: Callable[[str], FlaskClient]) -> None:
    assert login("supervisor").get("/catalog/types/no_such_type").status_code == 404


def test_rounds_catalog_show_json_is_registered_in_the_rounds_cli(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["catalog", "show", "traction_elevator", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["key"] == "traction_elevator"
