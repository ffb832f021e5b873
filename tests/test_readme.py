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
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert "torch==2.13.0" in lines
    assert "-e ." in lines
