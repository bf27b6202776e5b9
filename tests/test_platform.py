"""The platform around the code: packaging, migrations, translations and the make scripts.

These guard what a new user meets first: `pip install .` must bring templates,
migrations, the catalog and translations along; the migrations must build
exactly the schema the models describe (and come down again); every string on
screen must have its Chinese translation in the committed .mo; and the scripts
behind `make run` / `make test` must install only what is missing, say what to
run when they can't, and clean up after themselves.
"""

import importlib.util
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from sqlalchemy import create_engine, inspect, make_url, text

from app import create_app
from app.extensions import db
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
PACKAGED_DIRS = ("templates", "equipment_catalog", "app/migrations", "app/translations")


def _load_translations_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("translations", SCRIPTS / "translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


translations = _load_translations_script()


# --- packaging ---------------------------------------------------------------------------


def _files_under(root: Path, folder: str) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in (root / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_a_plain_pip_install_carries_templates_migrations_catalog_and_translations(
    tmp_path: Path,
) -> None:
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".*", "instance", "*.egg-info", "__pycache__", "build", "dist", "tests"
        ),
    )
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("rounds-*.whl")
    contents = set(zipfile.ZipFile(wheel).namelist())

    expected = set().union(*(_files_under(source, folder) for folder in PACKAGED_DIRS))
    assert {"templates/base.html", "app/migrations/env.py"} <= expected
    assert any(name.startswith("app/migrations/versions/") for name in expected)
    assert "app/translations/zh/LC_MESSAGES/messages.mo" in expected
    assert sorted(expected - contents) == []


# --- migrations ------------------------------------------------------------------------


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = make_url(POSTGRES_URL)
    name = f"rounds_empty_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _app_for(url: str, tmp_path: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "ROUNDS_UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )


@pytest.mark.db
def test_migrations_build_exactly_the_schema_the_models_describe(
    empty_database_url: str, tmp_path: Path
) -> None:
    app = _app_for(empty_database_url, tmp_path)
    with app.app_context():
        upgrade()
        options = dict(app.extensions["migrate"].configure_args)
        with db.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts=options), db.metadata
            )
        db.engine.dispose()
    assert differences == [], "models and migrations differ; the lead generates a migration"


@pytest.mark.db
def test_migrations_downgrade_to_an_empty_database_and_up_again(
    empty_database_url: str, tmp_path: Path
) -> None:
    app = _app_for(empty_database_url, tmp_path)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        left_over = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert left_over == set()
    assert {table.name for table in db.metadata.sorted_tables} <= tables


def test_database_tests_run_on_postgresql_when_make_test_asks_for_it(app: Flask) -> None:
    expected = "postgresql" if POSTGRES_URL else "sqlite"
    assert db.engine.dialect.name == expected


# --- translations ----------------------------------------------------------------------


def test_every_message_in_the_code_has_a_chinese_translation() -> None:
    missing = translations.untranslated("zh")
    assert missing == [], "run `make translations` and translate these:\n" + "\n".join(missing)


def _login_page(app: Flask, client: FlaskClient, headers: dict[str, str]) -> str:
    with app.app_context():  # its own context, as in production: Flask-Babel caches per context
        return client.get("/login", headers=headers).get_data(as_text=True)


def test_pages_are_in_chinese_by_default_and_in_english_on_request(
    app: Flask, client: FlaskClient
) -> None:
    chinese = _login_page(app, client, {})
    english = _login_page(app, client, {"Accept-Language": "en"})
    assert "用户名" in chinese and "Username" not in chinese
    assert "Username" in english


def test_chinese_translations_keep_the_placeholders_of_their_message() -> None:
    assert translations.format_errors("zh") == []


def test_the_committed_mo_file_matches_the_po_file() -> None:
    stale = translations.stale_compiled("zh")
    assert stale == [], "run `make translations` to recompile:\n" + "\n".join(stale)


# --- system packages (scripts/system-packages.sh) --------------------------------------


def _fake_command(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/usr/bin/env bash\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _machine(tmp_path: Path, *, uid: int, installed: set[str]) -> tuple[dict[str, str], Path]:
    """A PATH whose id/dpkg-query/apt-get pretend to be a Debian machine; apt calls are logged."""
    fakes = tmp_path / "bin"
    fakes.mkdir()
    apt_log = tmp_path / "apt.log"
    _fake_command(fakes, "id", f'[[ "$1" == "-u" ]] && echo {uid} || /usr/bin/id "$@"')
    installed_list = " ".join(sorted(installed))
    _fake_command(
        fakes,
        "dpkg-query",
        f'package="${{@: -1}}"; for p in {installed_list}; do '
        '[[ "$p" == "$package" ]] && { printf "install ok installed"; exit 0; }; done; exit 1',
    )
    _fake_command(fakes, "apt-get", f'echo "$*" >> {apt_log}')
    env = {**os.environ, "PATH": f"{fakes}:{os.environ['PATH']}"}
    env.pop("ROUNDS_SKIP_SYSTEM_PACKAGES", None)
    return env, apt_log


def _system_packages(mode: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPTS / "system-packages.sh"), mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


EVERY_PACKAGE = {
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fontconfig",
    "fonts-noto-cjk",
    "fonts-dejavu-core",
    "poppler-utils",
    "zbar-tools",
    "postgresql",
    "chromium-headless-shell",
}


def test_a_prepared_machine_does_no_apt_work(tmp_path: Path) -> None:
    env, apt_log = _machine(tmp_path, uid=0, installed=EVERY_PACKAGE)
    result = _system_packages("test", env)
    assert result.returncode == 0, result.stderr
    assert not apt_log.exists()


def test_root_gets_only_the_missing_packages_installed(tmp_path: Path) -> None:
    env, apt_log = _machine(
        tmp_path, uid=0, installed=EVERY_PACKAGE - {"libharfbuzz-subset0", "zbar-tools"}
    )
    result = _system_packages("test", env)
    assert result.returncode == 0, result.stderr
    calls = apt_log.read_text().splitlines()
    assert calls[0].endswith("update -qq")
    assert calls[1].endswith("install -y --no-install-recommends libharfbuzz-subset0 zbar-tools")


def test_a_user_without_root_is_told_the_exact_sudo_command_and_make_stops(
    tmp_path: Path,
) -> None:
    env, apt_log = _machine(tmp_path, uid=1000, installed=EVERY_PACKAGE - {"fonts-noto-cjk"})
    result = _system_packages("run", env)
    assert result.returncode == 1
    assert "sudo apt-get install -y --no-install-recommends fonts-noto-cjk" in result.stderr
    assert not apt_log.exists()


def test_serving_does_not_ask_for_the_test_only_packages(tmp_path: Path) -> None:
    env, apt_log = _machine(tmp_path, uid=1000, installed=EVERY_PACKAGE - {"zbar-tools"})
    assert _system_packages("run", env).returncode == 0
    assert _system_packages("test", env).returncode == 1
    assert not apt_log.exists()


# --- make: stamps keyed on the lock files and pyproject.toml ----------------------------


def test_make_reinstalls_only_when_the_lock_or_pyproject_changes(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "requirements").mkdir()
    for lock in ("run.txt", "test.txt"):
        (tmp_path / "requirements" / lock).write_text("x==1\n")
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").touch()
    time.sleep(0.01)

    def stamp_all() -> None:
        for stamp in (".rounds-installed", ".rounds-test-installed"):
            (tmp_path / ".venv" / stamp).touch()

    def up_to_date(target: str) -> bool:
        return subprocess.run(["make", "-q", target], cwd=tmp_path).returncode == 0

    stamp_all()
    assert up_to_date("install") and up_to_date("install-test")
    time.sleep(0.01)
    (tmp_path / "pyproject.toml").write_text("[project]\ndependencies = ['x']\n")
    assert not up_to_date("install") and not up_to_date("install-test")

    time.sleep(0.01)
    stamp_all()
    time.sleep(0.01)
    (tmp_path / "requirements" / "test.txt").write_text("x==2\n")
    assert up_to_date("install") and not up_to_date("install-test")


# --- the lock files (make lock, scripts/lock.sh) -----------------------------------------


def _pins(lock: Path) -> dict[str, str]:
    """Package name -> pinned version, read from a pip-compile output."""
    pins = {}
    for line in lock.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", line):
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return [Requirement(line) for line in declared]


@pytest.mark.parametrize(("lock", "extra"), [("run.txt", None), ("test.txt", "test")])
def test_the_lock_pins_every_declared_dependency_within_its_range(
    lock: str, extra: str | None
) -> None:
    pins = _pins(ROOT / "requirements" / lock)
    stale = [
        str(requirement)
        for requirement in _declared(extra)
        if canonicalize_name(requirement.name) not in pins
        or pins[canonicalize_name(requirement.name)] not in requirement.specifier
    ]
    assert stale == [], f"pyproject.toml changed since the lock; run `make lock`: {stale}"


def test_run_and_test_locks_agree_and_every_pin_carries_a_hash() -> None:
    run, test = _pins(ROOT / "requirements" / "run.txt"), _pins(ROOT / "requirements" / "test.txt")
    assert {name: test.get(name) for name in run} == run
    for lock in ("run.txt", "test.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        assert text.count("--hash=sha256:") >= len(_pins(ROOT / "requirements" / lock))
        assert re.findall(r"^[A-Za-z0-9._-]+==\S+$", text, flags=re.MULTILINE) == []


def test_the_production_constraints_are_the_run_lock_without_hashes() -> None:
    constraints = ROOT / "requirements" / "constraints.txt"
    assert _pins(constraints) == _pins(ROOT / "requirements" / "run.txt")
    assert "--hash" not in constraints.read_text()


# --- make run (scripts/run.sh) ---------------------------------------------------------


_QUEUE_FAKE = (
    "import signal, sys, time\n"
    "def stop(*_):\n"
    '    open(sys.argv[1], "a").write("queue stopped by INT\\n")\n'
    "    sys.exit(0)\n"
    "signal.signal(signal.SIGINT, stop)\n"
    "while True:\n"
    "    time.sleep(0.1)\n"
)


def _fake_rounds(
    tmp_path: Path, *, with_demo: bool, with_scheduler: bool, with_queue: bool = False
) -> Path:
    """A `rounds` that logs its calls; `run` exits at once, `scheduler run` and `queue run`
    wait to be stopped."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    log = tmp_path / "calls.log"
    groups = ["db", "run", "users"] + ["demo"] * with_demo + ["scheduler"] * with_scheduler
    groups += ["queue"] * with_queue
    help_text = "Commands:\n" + "".join(f"  {group}  Something.\n" for group in sorted(groups))
    _fake_command(
        venv / "bin",
        "rounds",
        "\n".join(
            [
                f'[[ "$*" == --help ]] && {{ printf "{help_text}"; exit 0; }}',
                f'echo "$*" >> {log}',
                'if [[ "$*" == "scheduler run" ]]; then',
                f"  trap 'echo scheduler stopped >> {log}; exit 0' TERM",
                "  while true; do sleep 0.1; done",
                "fi",
                # Like huey's consumer, Python sets its own SIGINT handler: a shell trap
                # could not, as background jobs of a script start with SIGINT ignored.
                'if [[ "$*" == "queue run" ]]; then',
                f"  exec {sys.executable} -c '{_QUEUE_FAKE}' {log}",
                "fi",
                '[[ "$1" == run ]] && sleep 0.5',
                "exit 0",
            ]
        ),
    )
    return venv


def _make_run(tmp_path: Path, venv: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [str(SCRIPTS / "run.sh"), str(venv)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result, (tmp_path / "calls.log").read_text().splitlines()


def test_make_run_upgrades_loads_the_demo_once_and_runs_the_scheduler_beside_the_server(
    tmp_path: Path,
) -> None:
    venv = _fake_rounds(tmp_path, with_demo=True, with_scheduler=True)
    result, calls = _make_run(tmp_path, venv)
    assert result.returncode == 0, result.stderr
    assert calls[0] == "db upgrade"
    assert calls[1] == "demo load"
    assert "scheduler run" in calls
    assert "run --host 127.0.0.1 --port 5000" in calls
    assert calls[-1] == "scheduler stopped"
    assert "http://127.0.0.1:5000/" in result.stdout

    (tmp_path / "calls.log").unlink()
    (tmp_path / "instance" / "rounds.sqlite3").touch()  # what `db upgrade` made the first time
    _second, calls = _make_run(tmp_path, venv)
    assert "demo load" not in calls


def test_make_run_starts_the_task_queue_and_stops_it_gently(tmp_path: Path) -> None:
    venv = _fake_rounds(tmp_path, with_demo=True, with_scheduler=True, with_queue=True)
    result, calls = _make_run(tmp_path, venv)
    assert result.returncode == 0, result.stderr
    assert "queue run" in calls
    assert "queue stopped by INT" in calls  # SIGINT lets a running import finish


def test_make_run_still_serves_before_the_demo_and_scheduler_commands_exist(
    tmp_path: Path,
) -> None:
    venv = _fake_rounds(tmp_path, with_demo=False, with_scheduler=False)
    result, calls = _make_run(tmp_path, venv)
    assert result.returncode == 0, result.stderr
    assert calls == ["db upgrade", "run --host 127.0.0.1 --port 5000"]


# --- make test: the throw-away PostgreSQL (scripts/with-postgres.sh) ---------------------

HAS_POSTGRES = any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@pytest.mark.skipif(
    not HAS_POSTGRES and os.environ.get("CI") != "true", reason="PostgreSQL server not installed"
)
def test_the_postgres_harness_passes_the_exit_code_on_and_removes_the_cluster() -> None:
    result = subprocess.run(
        [str(SCRIPTS / "with-postgres.sh"), "sh", "-c", 'echo "$ROUNDS_TEST_DATABASE_URL"; exit 3'],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert result.stdout.startswith("postgresql+psycopg://rounds@127.0.0.1:")
    workdir = re.search(r" in (\S+) \(port", result.stderr)
    assert workdir, result.stderr
    assert not Path(workdir.group(1)).exists()
