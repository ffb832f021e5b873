"""Refresh the lock files: requirements.txt and requirements-dev.txt from the hand-edited *.in files.

    python scripts/lock.py

pip resolves requirements-dev.in from scratch (`--dry-run --ignore-installed --report`, so nothing on the
machine influences it and nothing is installed); the app's lock is the same resolution restricted to what
requirements.in needs, so the two locks never disagree on a version. Each lock records a hash of the *.in
files it came from; tests/test_lock.py fails when they drift apart.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ("requirements.in", "requirements-dev.in")
LOCKS = {"requirements.in": "requirements.txt", "requirements-dev.in": "requirements-dev.txt"}
PROJECT = "neural-ode-explorer"


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def public_version(version: str) -> str:
    """Drop a local label: the machine's CPU build of torch is `2.13.0+cpu`, and `torch==2.13.0` accepts it
    while staying installable from the CPU wheel index the Dockerfile uses."""
    return version.split("+", 1)[0]


def inputs_hash() -> str:
    """Hash of the hand-edited requirement files, recorded in each lock (comments and blank lines count:
    any edit asks for a refresh, which is cheap)."""
    digest = hashlib.sha256()
    for name in INPUTS:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return digest.hexdigest()


def resolve(requirement_file: str, constraints: dict[str, str] | None = None) -> dict[str, str]:
    """{canonical name: version} of every distribution pip would install for requirement_file, the
    project itself left out."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-qq"]
        command += ["--report", str(report), "-r", str(ROOT / requirement_file)]
        if constraints:
            pins = Path(tmp) / "constraints.txt"
            pins.write_text("".join(f"{n}=={v}\n" for n, v in constraints.items()))
            command += ["-c", str(pins)]
        subprocess.run(command, check=True, cwd=ROOT)
        installs = json.loads(report.read_text())["install"]
    found = {canonical(i["metadata"]["name"]): i["metadata"]["version"] for i in installs}
    found.pop(PROJECT, None)
    return found


def lock_text(source: str, pins: dict[str, str], digest: str) -> str:
    header = [
        f"# Locked from {source} by `python scripts/lock.py`: every package, direct and transitive, at an",
        "# exact version for CPython 3.11 on Linux x86-64. Do not edit by hand; edit the .in file and rerun.",
        f"# inputs-sha256: {digest}",
    ]
    body = [f"{name}=={public_version(version)}" for name, version in sorted(pins.items())]
    return "\n".join([*header, *body, "-e .", ""])


def main() -> None:
    digest = inputs_hash()
    dev = resolve("requirements-dev.in")
    app = resolve("requirements.in", constraints=dev)
    if any(dev.get(name) != version for name, version in app.items()):
        raise SystemExit("the app's resolution disagrees with the dev lock; this should not happen")
    for source, pins in (("requirements.in", app), ("requirements-dev.in", dev)):
        (ROOT / LOCKS[source]).write_text(lock_text(source, pins, digest))
        print(f"{LOCKS[source]}: {len(pins)} packages")


if __name__ == "__main__":
    main()
