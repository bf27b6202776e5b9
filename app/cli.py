"""The `rounds` console script: Flask's CLI group bound to `create_app`.

It brings `rounds run`, `rounds db ...` (Flask-Migrate) and every group that
`app.registry` registers.
"""

from flask.cli import FlaskGroup

from app import create_app

cli = FlaskGroup(
    create_app=create_app,
    help="Rounds — 物业设备巡检保养排程 / maintenance and inspection scheduling.",
)


def main() -> None:
    cli(prog_name="rounds")
