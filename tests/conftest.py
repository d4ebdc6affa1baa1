"""Shared test configuration: Hypothesis profiles, the corpus location, strict splices."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from tests.helpers import SEED_BYTES, SEED_TEXT

from newsrecord import document
from newsrecord._read import events

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# tools/mutation.py runs the tests once per mutant: fewer examples, the same each time.
settings.register_profile("mutation", max_examples=20, deadline=None, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"

# A shell without job control (a script, `cmd &`) starts a background job with Ctrl-C
# ignored, and a program started with it ignored keeps it so across exec: Python then
# installs no KeyboardInterrupt handler, and the tests that press Ctrl-C on a command
# (os.killpg(..., SIGINT)) saw it run to its end. Python's handler here, in every test
# process, gives the commands they start the usual disposition back (a handler becomes
# the default at exec; an ignored signal stays ignored).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--corpus",
        default=os.environ.get("NEWSRECORD_CORPUS", str(DEFAULT_CORPUS)),
        help="folder of real record files (default: $NEWSRECORD_CORPUS or ../shared/corpus)",
    )


@pytest.fixture(autouse=True)
def strict_splices() -> Iterator[None]:
    """A splice that does not read back as the edited record fails the test."""
    document.STRICT_SPLICES = True
    yield
    document.STRICT_SPLICES = False


@pytest.fixture(scope="session")
def corpus_files(request: pytest.FixtureRequest) -> list[Path]:
    """Every record file of the real corpus; skips when the corpus is absent."""
    root = Path(request.config.getoption("--corpus"))
    if not root.is_dir():
        pytest.skip(
            f"the real corpus is not at {root}: set NEWSRECORD_CORPUS or --corpus to run these"
        )
    files = sorted(p for p in root.rglob("*.md") if p.name != "README.md")
    if not files:
        pytest.skip(f"no record files under {root}")
    return files


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The reference record's text, byte for byte (tests/helpers.py: ``SEED_TEXT``)."""
    return SEED_TEXT


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    """A copy of the reference record in the test's own folder, as ``seed.md``."""
    path = tmp_path / "seed.md"
    path.write_bytes(SEED_BYTES)
    return path


@pytest.fixture(params=[True, False], ids=["C parser", "pure-Python parser"])
def c_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run a test with each of ruamel's parsers (both word their problems differently)."""
    if request.param and not events.HAVE_C_PARSER:
        pytest.skip("the C parser is not installed or is turned off")
    monkeypatch.setattr(events, "HAVE_C_PARSER", request.param)
    return bool(request.param)
