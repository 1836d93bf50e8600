"""A real PostgreSQL server for the SQL reader's tests: ``initdb`` + ``pg_ctl`` on a
temporary folder and a free port, stopped after the session. Started as the ``postgres``
user when the tests run as root (PostgreSQL refuses to run as root)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _binary(name: str) -> str | None:
    found = shutil.which(name) or shutil.which(name, path="/usr/local/bin")
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_user() -> tuple[Callable[[], None] | None, int | None, int | None]:
    if os.geteuid() != 0:
        return None, None, None
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        user = pwd.getpwnam("nobody")
    uid, gid = user.pw_uid, user.pw_gid

    def drop() -> None:
        os.setgid(gid)
        os.setuid(uid)

    return drop, uid, gid


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL is not installed (initdb, pg_ctl); .ci/run installs it")
    drop, uid, gid = _as_user()
    base = Path(tempfile.mkdtemp(prefix="goalengine-pg-"))
    data = base / "data"
    if uid is not None and gid is not None:
        os.chown(base, uid, gid)
    env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
    port = _free_port()

    def run(*argv: str) -> None:
        subprocess.run(argv, check=True, capture_output=True, preexec_fn=drop, env=env,
                       cwd=base, timeout=120)  # fmt: skip

    try:
        run(initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' -F"
        run(pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        shutil.rmtree(base, ignore_errors=True)
        output = getattr(error, "stderr", b"") or b""
        pytest.skip(f"could not start PostgreSQL: {output.decode(errors='replace')[-300:]}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([pg_ctl, "-D", str(data), "-m", "immediate", "stop"], preexec_fn=drop,
                       capture_output=True, env=env, cwd=base, timeout=60)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)
