"""`pip install .` without `-e`: the wheel carries the migrations and the reference catalogue, and
the installed `ladder` runs from a directory that is not the repository."""

import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import asyncpg
import pytest

from service.migrations import read_migrations
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SOURCES = ["pyproject.toml", "README.md", "service", "migrations", "catalogue"]
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def tree(top: Path) -> dict[str, str]:
    """Every file under `top`, by relative path, with a digest of its bytes."""
    return {path.relative_to(top).as_posix(): digest(path.read_bytes())
            for path in sorted(top.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel --no-deps` builds from a copy of the worktree, so that no stale
    build/ directory of the worktree can slip deleted files into it."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=IGNORED)
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out,
                            source], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [path] = out.glob("ladder-*.whl")
    return path


def test_the_wheel_carries_every_migration_catalogue_file_and_module(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        inside = {name: digest(archive.read(name)) for name in archive.namelist()
                  if not name.startswith("ladder-")}
    for directory in ("migrations", "catalogue"):
        files = tree(ROOT / directory)
        assert files, directory
        for name, content in files.items():
            assert inside.get(f"service/_data/{directory}/{name}") == content, name
    # The package list in pyproject.toml is written by hand: a new domain must not be left out.
    for name, content in tree(ROOT / "service").items():
        assert inside.get(f"service/{name}") == content, name


def test_the_installed_ladder_migrates_a_fresh_database_from_anywhere(
        wheel: Path, fresh_url: str, tmp_path: Path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python",
                                "install", "--no-deps", "-q", wheel],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    # The dependencies, from the test run's own environment; added only after installing, so
    # that pip never sees the ladder installed there.
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    outer = [path for path in sys.path if path.endswith("site-packages")]
    (site_packages / "zz_dependencies.pth").write_text("\n".join(outer) + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "LADDER_MIGRATIONS_DIR", "LADDER_CATALOGUE_DIR"}}
    env["LADDER_DATABASE_URL"] = fresh_url
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import service.settings as s; c = s.Settings(); "
         "print(s.__file__, c.migrations_dir, c.catalogue_dir, sep='\\n')"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60, check=True)
    module, migrations, catalogue = map(Path, where.stdout.split())
    for path in (module, migrations, catalogue):
        assert path.is_relative_to(site_packages), path
    assert tree(catalogue) == tree(ROOT / "catalogue")

    migrated = subprocess.run([venv / "bin" / "ladder", "migrate"], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    expected = read_migrations(ROOT / "migrations")
    assert f"migrations: {len(expected)} applied" in migrated.stderr
    assert asyncio.run(applied(fresh_url)) == [(m.version, m.checksum) for m in expected]


async def applied(url: str) -> list[tuple[int, str]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT version, checksum FROM schema_migrations ORDER BY 1")
    finally:
        await conn.close()
    return [tuple(row) for row in rows]
