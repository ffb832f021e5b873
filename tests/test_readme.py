"""README.md promises two commands; keep them true to the project and to CI."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(), flags=re.S)


def test_readme_gives_exactly_two_commands_and_ci_runs_the_test_one():
    blocks = _bash_blocks()
    assert len(blocks) == 2
    run, test = blocks
    assert "requirements.txt" in run and "streamlit run app/main.py" in run
    assert "pytest" in test
    assert test in (ROOT / ".ci" / "run").read_text().splitlines()


def test_requirements_pin_cpu_torch_and_install_the_project():
    for name in ("requirements.in", "requirements.txt"):
        lines = (ROOT / name).read_text().splitlines()
        assert "torch==2.13.0" in lines
        assert "-e ." in lines


def test_ci_installs_from_the_lock_into_its_own_virtualenv():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "-m venv .ci-venv" in ci and "source .ci-venv/bin/activate" in ci
    assert "-r requirements-dev.txt" in ci and "requirements-dev.in" not in ci
    assert ".ci-venv/" in (ROOT / ".gitignore").read_text().split()
