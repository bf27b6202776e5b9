"""The README's first screen tells a new user how to log in to the demo."""

from pathlib import Path

from app.demo.data.people import DEMO_PASSWORD
from app.demo.services import demo_logins

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_lists_every_demo_login_and_the_password_near_the_top() -> None:
    first_screen = "\n".join(README.read_text(encoding="utf-8").splitlines()[:30])
    assert f"`{DEMO_PASSWORD}`" in first_screen
    for login in demo_logins():
        assert f"`{login.username}`" in first_screen, login.username
        assert login.name in first_screen
