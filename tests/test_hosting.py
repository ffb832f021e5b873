"""The container runs the app the way README.md says, with the settings hosting needs."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_docker_command_matches_readme_and_config():
    docker = (ROOT / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", docker, flags=re.M).group(1))
    assert cmd[:3] == ["streamlit", "run", "app/main.py"]
    assert "--server.headless=true" in cmd and "--server.fileWatcherType=none" in cmd
    assert "/_stcore/health" in docker and "OMP_NUM_THREADS=1" in docker
    assert "torch==2.13.0" in docker and "whl/cpu" in docker
    readme = (ROOT / "README.md").read_text()
    port = re.search(r"--server.port=(\d+)", " ".join(cmd)).group(1)
    assert f"-p {port}:{port}" in readme and "app/main.py" in readme


def test_streamlit_config_is_safe_for_strangers():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
    assert config["client"]["showErrorDetails"] == "none"


def test_no_forced_full_garbage_collection_after_each_run():
    """Streamlit's default gc.collect(2) after every script run held the GIL for ~40% of a warm page run
    once torch was loaded, stalling every other session (py-spy on the Solver lab)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_dockerfile_ships_the_home_page_pictures():
    """The landing page reads app/assets/thumbnails.json; .dockerignore must not leave it out."""
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert (ROOT / "app" / "assets" / "thumbnails.json").is_file()
    assert not any(p.strip("/*") in {"app", "app/assets", "assets"} or p.endswith(".json") for p in ignored)
