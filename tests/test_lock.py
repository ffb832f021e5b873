"""The lock files: made from the hand-edited requirement files, complete, and what this environment runs."""

from __future__ import annotations

import importlib.metadata as metadata
import os
import sys
from pathlib import Path

import lock  # scripts/lock.py (pytest's pythonpath): the test reads the refresh command's own rules
import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def locked(name: str) -> dict[str, str]:
    """{canonical name: version} pinned in a lock file."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        if not line or line.startswith("#") or line == "-e .":
            continue
        package, _, version = line.partition("==")
        assert version and " " not in line, f"{name}: {line!r} is not an exact pin"
        pins[lock.canonical(package)] = version
    return pins


def direct_requirements(name: str) -> list[Requirement]:
    """The requirements of a hand-edited .in file, following its `-r` includes."""
    found = []
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line == "-e .":
            continue
        if line.startswith("-r "):
            found += direct_requirements(line[3:].strip())
        else:
            found.append(Requirement(line))
    return found


APP, DEV = locked("requirements.txt"), locked("requirements-dev.txt")


@pytest.mark.parametrize("lock_file", ["requirements.txt", "requirements-dev.txt"])
def test_each_lock_was_made_from_the_current_requirement_files(lock_file):
    header = (ROOT / lock_file).read_text()
    assert f"# inputs-sha256: {lock.inputs_hash()}" in header, (
        f"{lock_file} is older than the *.in files: run `python scripts/lock.py`"
    )
    assert header.rstrip().endswith("-e ."), "the lock installs the project itself too"


@pytest.mark.parametrize(("source", "pins"), [("requirements.in", APP), ("requirements-dev.in", DEV)])
def test_every_direct_requirement_is_met_by_its_lock(source, pins):
    for requirement in direct_requirements(source):
        name = lock.canonical(requirement.name)
        assert name in pins, f"{requirement} is not in the lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (requirement, pins[name])


def test_the_app_lock_is_the_dev_lock_restricted():
    assert APP.items() <= DEV.items()
    assert DEV["torch"] == APP["torch"] == "2.13.0"


def test_this_environment_runs_exactly_the_locked_versions():
    for name, version in DEV.items():
        installed = metadata.version(name)
        # The CPU build of torch carries a local label (2.13.0+cpu), which `torch==2.13.0` accepts.
        assert lock.public_version(installed) == version, f"{name} {installed} installed, {version} locked"


def test_the_lock_is_closed_under_dependencies():
    """Every locked package's own requirements (for this platform, no extras) are locked too, at versions
    they accept: installing the lock needs nothing from outside it."""
    environment = default_environment() | {"extra": ""}
    for name in DEV:
        for text in metadata.requires(name) or ():
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate(environment):
                continue
            dep = lock.canonical(requirement.name)
            assert dep in DEV, f"{name} needs {requirement}, which is not locked"
            assert requirement.specifier.contains(DEV[dep], prereleases=True), (name, requirement, DEV[dep])


@pytest.mark.skipif(
    os.environ.get("CI") != "true", reason="CI's own virtualenv holds the lock and nothing else"
)
def test_ci_virtualenv_holds_nothing_but_the_lock():
    assert sys.prefix != sys.base_prefix, "CI runs the tests inside its own virtualenv"
    tools = {"pip", "setuptools", "wheel", lock.PROJECT}
    installed = {lock.canonical(d.metadata["Name"]) for d in metadata.distributions()}
    assert installed - set(DEV) - tools == set()
