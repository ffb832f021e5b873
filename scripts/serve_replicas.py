"""Run N replicas of the explorer behind nginx on this machine, from deploy/nginx.conf.template.

The same configuration as deploy/compose.yaml, without containers: for trying the load balancer locally,
for tests/e2e/test_load_balancer.py and for benchmarks/bench_sessions.py's `--replicas`.

    python scripts/serve_replicas.py --replicas 2 --port 8080     # Ctrl-C stops all of it

Needs Debian's nginx (`apt-get install nginx`); it runs unprivileged-style in a temporary prefix and
touches nothing under /etc.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
#: Passive health checking, as the compose file's replicas get it.
SERVER_LINE = "server {address} max_fails=3 fail_timeout=10s;"


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill `${NAME}` placeholders (and nothing else: nginx's own `$name` variables stay) from `values`."""

    def value(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return re.sub(r"\$\{([A-Z_]+)\}", value, template)


def nginx_config(listen_port: int, replica_ports: list[int]) -> str:
    servers = " ".join(SERVER_LINE.format(address=f"127.0.0.1:{p}") for p in replica_ports)
    return render(
        TEMPLATE.read_text(), {"LISTEN_PORT": f"127.0.0.1:{listen_port}", "UPSTREAM_SERVERS": servers}
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.time() + timeout_s
    while True:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"{base} did not become healthy")
        time.sleep(0.3)


@dataclass(frozen=True)
class Cluster:
    url: str  # the load balancer
    replicas: tuple[str, ...]  # "127.0.0.1:port" of each replica, as nginx's access log names them
    prefix: Path  # nginx's prefix: access.log is here
    pids: tuple[int, ...] = ()  # each replica's process, in the order of `replicas`

    def access_log(self) -> list[dict[str, str]]:
        """nginx's access log, one dict per request: status, upstream, route, request."""
        pattern = re.compile(
            r'(?P<status>\d+) upstream=(?P<upstream>\S+) route=(?P<route>\S*) "(?P<request>[^"]*)"'
        )
        path = self.prefix / "access.log"
        lines = path.read_text().splitlines() if path.exists() else []
        return [m.groupdict() for m in map(pattern.match, lines) if m]


@contextmanager
def cluster(
    replicas: int = 2, port: int | None = None, env: Mapping[str, str] | None = None
) -> Iterator[Cluster]:
    """Start `replicas` servers and nginx in front of them; yield when all answer /_stcore/health."""
    prefix = Path(tempfile.mkdtemp(prefix="explorer-lb-"))
    # One cookie secret for all replicas, as a real deployment must have (deploy/compose.yaml).
    common = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16), **(env or {})}
    ports = [free_port() for _ in range(replicas)]
    procs: list[subprocess.Popen] = []
    try:
        for p in ports:
            cmd = [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.headless", "true"]
            cmd += ["--server.port", str(p), "--server.address", "127.0.0.1"]
            log = open(prefix / f"replica-{p}.log", "w")  # noqa: SIM115 - the process owns it until it ends
            procs.append(subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=common))
        listen = port or free_port()
        (prefix / "nginx.conf").write_text(nginx_config(listen, ports))
        nginx = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", "nginx.conf", "-g", "daemon off;"],
            stdout=open(prefix / "nginx.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        procs.append(nginx)
        for p, proc in zip(ports, procs, strict=False):
            wait_healthy(f"http://127.0.0.1:{p}", proc)
        url = f"http://127.0.0.1:{listen}"
        wait_healthy(url, nginx)
        yield Cluster(
            url, tuple(f"127.0.0.1:{p}" for p in ports), prefix, tuple(proc.pid for proc in procs[:-1])
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(prefix, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    with cluster(args.replicas, args.port) as c:
        print(f"{c.url} -> {', '.join(c.replicas)} (nginx prefix {c.prefix}); Ctrl-C to stop", flush=True)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
