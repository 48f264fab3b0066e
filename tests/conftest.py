"""Real fixtures: database files in temporary folders, the demo data, the command line as a subprocess."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _random_order_line(config) -> str | None:
    seed = getattr(config.option, "randomly_seed", None)
    if config.pluginmanager.hasplugin("randomly") and isinstance(seed, int):
        return f"random order: --randomly-seed={seed}"
    return None


def pytest_sessionstart(session):
    """The seed of this run's random order (pytest-randomly), shown first and under -q too, so a run that
    dies (a crash prints no summary) can be replayed with ``pytest -p randomly --randomly-seed=N``."""
    line = _random_order_line(session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if line and reporter is not None:
        reporter.write_line(line)
        reporter.flush()


def pytest_terminal_summary(terminalreporter, config):
    """The seed again at the end, beside the failures."""
    line = _random_order_line(config)
    if line:
        terminalreporter.write_line(line)


def pytest_configure(config):
    """Python's cyclic garbage collector runs on the main thread only, as in the app
    (``par_desktop.ui.garbage``): left automatic, it ran on a worker thread that happened to allocate and
    destroyed there the Qt objects of an earlier test caught in a reference cycle (a deadlock with the GUI
    thread, or a segmentation fault). Each test's teardown runs the collections that are due
    (``collect_garbage_on_the_main_thread``), a GUI test's a full one."""
    gc.disable()


@pytest.fixture(autouse=True)
def collect_garbage_on_the_main_thread(request):
    """What Python's collector would have done during the test, done after it on this thread; GUI tests
    (marker ``gui``) also collect from a Qt timer while their event loops run, like the app."""
    if request.node.get_closest_marker("gui") is not None:
        from par_desktop.ui import garbage

        garbage.install(request.getfixturevalue("qapp"))
    yield
    from par_desktop.ui.garbage import collect_due

    collect_due()


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep logs, backups and settings of every test out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv("PAR_DESKTOP_DB", raising=False)
    return home


@pytest.fixture(autouse=True)
def qsettings_in_tmp(request, tmp_path):
    """GUI tests keep window layouts, filters and column widths (QSettings) in their own folder."""
    if request.node.get_closest_marker("gui") is None:
        return
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


UI_TESTS = Path(__file__).resolve().parent / "ui"


@pytest.fixture(autouse=True)
def gui_test_hygiene(request, tmp_path):
    """GUI tests (marker ``gui``) leave nothing behind for the next test (see tests/ui/gui_helpers.py):

    - screenshots go to this test's ``tmp_path/shots`` (``gui_helpers.save_shot``);
    - its modal-dialog watches stop, and one whose dialog never came fails the test;
    - a modifier key its key sequence left held is released: a Ctrl+R that opened a modal dialog ran
      the dialog inside the key press, and Qt still took Ctrl as held in the next test (where a click
      on a row then toggled the row instead of selecting it);
    - its background work finishes and is delivered, then its widgets are deleted now: pytest-qt only
      calls deleteLater() on them, which would happen in the next test's first event loop — often a modal
      dialog's exec(), where a window being deleted (still QApplication.activeWindow(), so the dialog's
      parent) took that dialog with it.
    """
    if request.node.get_closest_marker("gui") is None:
        yield
        return
    if str(UI_TESTS) not in sys.path:
        sys.path.insert(0, str(UI_TESTS))
    import gui_helpers
    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

    gui_helpers.shots_dir = tmp_path / "shots"
    yield
    gui_helpers.shots_dir = None
    problems = gui_helpers.finish_watches()
    gui_helpers.release_modifiers()
    assert QThreadPool.globalInstance().waitForDone(60_000), "background work still running 60 s after its test"
    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()   # its parentless Qt objects (contexts, operations) caught in cycles are destroyed now, here
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)


@pytest.fixture(autouse=True)
def fresh_presence_session(monkeypatch):
    """Each test starts out of presence, with no session id stamped on the audit rows it writes."""
    from par_desktop.db import changes
    from par_desktop.services import presence

    monkeypatch.setattr(presence, "_registration", None)
    monkeypatch.setattr(presence, "_seen_beats", {})
    previous = changes.current_session_id.set("")
    yield
    changes.current_session_id.reset(previous)


CHEAP_HASHER_ARGS = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}


@pytest.fixture
def cheap_hashing(monkeypatch):
    """Real argon2id at a cost that keeps the suite fast on a shared machine; the production parameters
    are exercised by the rehash test and the command-line tests."""
    from argon2 import PasswordHasher

    from par_desktop.services import users

    monkeypatch.setattr(users, "_hasher", PasswordHasher(**CHEAP_HASHER_ARGS))


@pytest.fixture(autouse=True)
def no_write_guard_left_behind():
    """A test that signs someone in installs the maintenance write guard; the next test starts clean."""
    yield
    from par_desktop.db.connection import set_write_guard

    set_write_guard(None)


def _close_bound_database():
    from par_desktop.db.models import database_proxy

    if database_proxy.obj is not None and not database_proxy.obj.is_closed():
        database_proxy.obj.close()


@pytest.fixture
def empty_db(tmp_path):
    """A freshly created, empty PAR Desktop database file, opened and bound."""
    from par_desktop.db.schema import open_database

    path = tmp_path / "par.db"
    open_database(str(path), create=True)
    yield path
    _close_bound_database()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo database, built once per test session (copied for each test that uses it)."""
    from par_desktop.db.schema import open_database
    from par_desktop.services import demo
    from par_desktop.services.session import SYSTEM

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_database(str(path), create=True, demo=True)   # as `init --demo` makes it
    demo.fill_demo(SYSTEM, dossier_count=1500, seed=2024)
    _close_bound_database()
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path):
    """A private copy of the demo database, opened and bound."""
    from par_desktop.db.schema import open_database

    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    open_database(str(path))
    yield path
    _close_bound_database()


# ---- Accounts on the command line (CLI.md) -----------------------------------------------------------
# On a database that has accounts (the demo has quantri, vanphong, ncc, lanhdao — all DEMO_PASSWORD) a
# command that changes data needs an account and its password. The convention for tests:
#     cli("import", "dossiers", f, db=demo_db, user="vanphong")      # the Office clerk, demo password
#     cli("user", "add", ..., db=db, user="quantri", password=PW)     # any other account
# which sets PAR_DESKTOP_USER / PAR_DESKTOP_PASSWORD for that one process (never --user on the command
# line, so a password never has to be spelled in argv). Commands that only read, and every command on a
# database with no account yet (a fresh `init`), need no user.
DEMO_PASSWORD = "demo1234"
DEMO_ADMIN, DEMO_OFFICE, DEMO_UNIT, DEMO_LEADER = "quantri", "vanphong", "ncc", "lanhdao"


def account_env(user: str | None, password: str | None = None) -> dict[str, str]:
    """The environment that signs a command-line process in as ``user`` (demo password by default)."""
    if user is None:
        return {}
    return {"PAR_DESKTOP_USER": user, "PAR_DESKTOP_PASSWORD": DEMO_PASSWORD if password is None else password}


def run_cli(*args: str, db: Path | str | None = None, timeout: float = 120, env: dict | None = None,
            input: str | None = None, user: str | None = None,
            password: str | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m par_desktop`` as a clerk's scheduled job would: a separate process, signed in as
    ``user`` (with ``password``, default the demo one) when given."""
    cmd = [sys.executable, "-m", "par_desktop"]
    if db is not None:
        cmd += ["--db", str(db)]
    inherited = {k: v for k, v in os.environ.items() if k not in ("PAR_DESKTOP_USER", "PAR_DESKTOP_PASSWORD")}
    full_env = dict(inherited, QT_QPA_PLATFORM="offscreen", **account_env(user, password), **(env or {}))
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=timeout, env=full_env,
                          cwd=REPO, input=input)


@pytest.fixture
def cli():
    return run_cli


def pdf_words(path) -> str:
    """The PDF's text as pdftotext reads it, every run of white space one space (lines joined)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(text.split())


def wait_for_files(*paths: Path, timeout: float = 60) -> None:
    """Wait until each file exists: the "ready" signal of a child process (it touches its file once it has
    opened the database), so that a test starts its processes together without guessing a delay."""
    import time

    end = time.monotonic() + timeout
    for path in paths:
        while not path.exists():
            assert time.monotonic() < end, f"{path.name} never appeared: a child process did not get ready"
            time.sleep(0.01)


# ---- PostgreSQL (issue 9) ------------------------------------------------------------------------------
# PAR_TEST_PG_URL names a PostgreSQL server where the test role may CREATE DATABASE; .ci/run starts a
# throw-away cluster and sets it. Without it, a throw-away cluster is started for the session when the
# PostgreSQL server programs are installed, and the PostgreSQL tests skip with the reason when they are
# not — except in CI (CI=true), where a missing or unreachable server fails them. Each test gets its own
# fresh database, dropped afterwards.

PG_ENV_VAR = "PAR_TEST_PG_URL"


def _pg_unavailable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; the PostgreSQL tests must run in CI", pytrace=False)
    pytest.skip(reason)


def _pg_admin(server_url: str, *statements: str) -> None:
    import psycopg2

    conn = psycopg2.connect(server_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


def pg_database_url(server_url: str, name: str) -> str:
    """The server URL pointing at database ``name`` instead."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _throwaway_cluster(folder: Path):
    """Start a private PostgreSQL cluster in ``folder`` on a free loopback port when the server programs
    are installed; return (url, stop) or (None, reason). Root runs them as the ``postgres`` user."""
    import glob
    import re
    import secrets
    import socket

    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin") + glob.glob("/usr/pgsql-*/bin"),
                  key=lambda folder: [int(n) for n in re.findall(r"\d+", folder)], reverse=True)
    initdb = next((str(Path(b) / "initdb") for b in bins if (Path(b) / "initdb").is_file()),
                  shutil.which("initdb"))
    if initdb is None:
        return None, "PostgreSQL is not installed here (no initdb) and PAR_TEST_PG_URL is not set"
    pg_ctl = str(Path(initdb).with_name("pg_ctl"))
    password = secrets.token_hex(12)
    (folder / "pw").write_text(password)
    as_user: list[str] = []
    if os.geteuid() == 0:                                   # initdb refuses to run as root
        import pwd

        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root without a 'postgres' user to run initdb"
        as_user = ["runuser", "-u", "postgres", "--"]
        for path in (folder, folder / "pw"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = folder / "data"
    try:
        subprocess.run([*as_user, initdb, "-D", str(data), "-U", "par", "--auth=scram-sha-256",
                        f"--pwfile={folder / 'pw'}", "-E", "UTF8", "--locale=C"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60",
                        "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off "
                              "-c synchronous_commit=off -c full_page_writes=off", "start"],
                       check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        return None, f"could not start a throw-away PostgreSQL: {exc} {detail.decode(errors='replace')[-300:]}"

    def stop() -> None:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)

    return f"postgresql://par:{password}@127.0.0.1:{port}/postgres", stop


@pytest.fixture(scope="session")
def pg_server_url():
    """The URL of the test PostgreSQL server: PAR_TEST_PG_URL, else a throw-away cluster started here when
    PostgreSQL is installed. Skip (fail in CI) when there is none."""
    import tempfile

    url = os.environ.get(PG_ENV_VAR)
    stop = None
    if not url:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            _pg_unavailable(f"{PG_ENV_VAR} is not set (.ci/run starts a server and sets it)")
        folder = Path(tempfile.mkdtemp(prefix="par-test-pg-"))
        url, stop = _throwaway_cluster(folder)
        if url is None:
            shutil.rmtree(folder, ignore_errors=True)
            _pg_unavailable(stop)
    try:
        _pg_admin(url, "SELECT 1")
    except Exception as exc:  # noqa: BLE001 — any reason the server cannot be used
        _pg_unavailable(f"PostgreSQL at {PG_ENV_VAR} is not usable: {str(exc).strip()}")
    yield url
    if stop is not None:
        stop()
        shutil.rmtree(folder, ignore_errors=True)


def _fresh_pg_database(server_url: str, template: str = "template0") -> str:
    import uuid

    name = f"test_{uuid.uuid4().hex[:20]}"
    # C collation: ORDER BY on text then sorts by code point, as SQLite does.
    _pg_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\' '
                          "LC_COLLATE 'C' LC_CTYPE 'C'")
    return name


@pytest.fixture
def pg_url(pg_server_url):
    """The URL of a fresh, empty PostgreSQL database of this test only (not opened)."""
    name = _fresh_pg_database(pg_server_url)
    yield pg_database_url(pg_server_url, name)
    _close_bound_database()
    _pg_admin(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_db(pg_url):
    """A freshly created PAR Desktop database on PostgreSQL, opened and bound; its URL."""
    from par_desktop.db.schema import open_database

    open_database(pg_url, create=True)
    yield pg_url
    _close_bound_database()


@pytest.fixture(scope="session")
def pg_demo_template(pg_server_url):
    """The demo data filled natively on PostgreSQL once per session, as a template database."""
    from par_desktop.db.schema import open_database
    from par_desktop.services import demo
    from par_desktop.services.session import SYSTEM

    name = _fresh_pg_database(pg_server_url)
    open_database(pg_database_url(pg_server_url, name), create=True)
    demo.fill_demo(SYSTEM, dossier_count=1500, seed=2024)
    _close_bound_database()
    yield name
    _pg_admin(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_demo_db(pg_server_url, pg_demo_template):
    """A private copy of the PostgreSQL demo database (CREATE DATABASE … TEMPLATE), opened and bound."""
    from par_desktop.db.schema import open_database

    name = _fresh_pg_database(pg_server_url, template=pg_demo_template)
    url = pg_database_url(pg_server_url, name)
    open_database(url)
    yield url
    _close_bound_database()
    _pg_admin(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_demo_db(request):
    """The demo database on each backend in turn (a parameter): its location (file path or URL), bound.

    Use it in service and command-line tests that must give the same results on SQLite and PostgreSQL.
    """
    fixture = "demo_db" if request.param == "sqlite" else "pg_demo_db"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_empty_db(request):
    """A fresh empty database on each backend in turn: its location (file path or URL), bound."""
    fixture = "empty_db" if request.param == "sqlite" else "pg_db"
    return str(request.getfixturevalue(fixture))


class PgAdmin:
    """A plain psycopg2 connection (autocommit) to a test database, outside the application: to cut the
    application's connections, hold locks, or look at what was stored."""

    def __init__(self, url: str):
        import psycopg2

        self.conn = psycopg2.connect(url)
        self.conn.autocommit = True

    def rows(self, sql: str, params=()) -> list[tuple]:
        with self.conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def value(self, sql: str, params=()):
        return self.rows(sql, params)[0][0]

    def cut_application_connections(self) -> int:
        """Terminate every other session on this database, as a network cut or a server restart would."""
        return len(self.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()"))


@pytest.fixture
def pg_admin():
    """pg_admin(url) -> PgAdmin, closed after the test."""
    opened: list[PgAdmin] = []

    def connect(url: str) -> PgAdmin:
        opened.append(PgAdmin(url))
        return opened[-1]

    yield connect
    for admin in opened:
        admin.conn.close()
