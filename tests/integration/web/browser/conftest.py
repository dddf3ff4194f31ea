"""Browser tests: Ladder served by granian in a subprocess on a free loopback port, against the
test database, driven by Playwright through Debian's Chromium (`/usr/bin/chromium`; never a
browser Playwright downloads). Without Chromium they skip, saying why, unless
LADDER_REQUIRE_BROWSER=1 (as in .ci/run), where they fail."""

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("LADDER_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "docs" / "screenshots"


def chromium_version() -> str | None:
    if not CHROMIUM.exists():
        return None
    try:
        done = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True,
                              timeout=30)
    except OSError:
        return None
    return done.stdout.strip() or None


def pytest_report_header(config) -> str:
    return f"browser tests: {chromium_version() or f'no Chromium at {CHROMIUM}'}"


@pytest.fixture(scope="session")
def chromium() -> Path:
    if chromium_version() is None:
        reason = (f"no Chromium at {CHROMIUM}: the browser tests need Debian's chromium "
                  "(apt-get install chromium)")
        if os.environ.get("LADDER_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, output: Callable[[], str],
                    seconds: float = 60) -> None:
    """Until `url`/health answers 200; fails (with the end of `output()`) if the server's
    process exits first, or (killing it) if the time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
        if process.poll() is not None:
            pytest.fail(f"the server did not start: {output()[-2000:]}")
    process.kill()
    pytest.fail(f"the server did not answer /health within {seconds:g} s")


@pytest.fixture(scope="session")
def server(pool, database_url: str, chromium) -> Iterator[str]:
    """The app in its own process (as `ladder serve` runs it) at http://localhost:PORT."""
    port = free_port()
    env = os.environ | {"LADDER_DATABASE_URL": database_url, "LADDER_RUN_SCHEDULER": "false",
                        "LADDER_MIGRATIONS_DIR": str(ROOT / "migrations"),
                        "LADDER_CATALOGUE_DIR": str(ROOT / "catalogue"),
                        "LADDER_WEB_SECRET": "browser-tests", "LADDER_POOL_MIN_SIZE": "1",
                        "LADDER_WEB_DEMO": "true"}  # the sign-in page as the demo shows it
    process = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
         "--port", str(port), "service.asgi:app"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://localhost:{port}"
    wait_for_health(url, process, lambda: process.stderr.read().decode())
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
async def browser(chromium):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        yield browser
        await browser.close()


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def javascript(request) -> bool:
    return request.param


@pytest.fixture
async def page(browser, server, javascript) -> AsyncIterator:
    context = await browser.new_context(base_url=server, java_script_enabled=javascript,
                                        accept_downloads=True)
    page = await context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []  # a script that failed, or anything the page's policy refused
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not answered_with_errors(message, page) else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    await context.close()
    assert not errors, f"the browser reported errors: {errors}"


def answered_with_errors(message, page) -> bool:
    """Chromium's note that the page itself came with a 4xx status: a form shown again with its
    error summary (422, 409) is meant, so not a browser error; a sub-resource's still is."""
    return (message.text.startswith("Failed to load resource: the server responded with a "
                                    "status of 4")
            and message.location.get("url") == page.url)


def screenshot_path(tmp_path: Path, name: str) -> Path:
    """docs/screenshots/ when LADDER_UPDATE_SCREENSHOTS=1, else the test's own directory."""
    if os.environ.get("LADDER_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS / name
    return tmp_path / name


async def screenshot(page, tmp_path: Path, name: str, height: int | None = None) -> Path:
    """The whole page as a PNG (see screenshot_path), or only its top `height` pixels (a long
    page); one for docs/ is cut to a 256-colour palette by pngquant when it is installed (about
    a third of the size), kept as it is if not."""
    path = screenshot_path(tmp_path, name)
    clip = None
    if height:
        width = await page.evaluate("document.documentElement.clientWidth")
        clip = {"x": 0, "y": 0, "width": width, "height": height}
    await page.screenshot(path=path, full_page=True, clip=clip)
    if path.parent == SCREENSHOTS and shutil.which("pngquant"):
        await asyncio.to_thread(subprocess.run, [
            "pngquant", "--quality", "60-90", "--speed", "1", "--strip", "--force", "--output",
            str(path), str(path)], check=False, timeout=60)
    return path
