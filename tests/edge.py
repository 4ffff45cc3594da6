"""A real Varnish (Debian's varnish with varnish-modules' xkey) in front of the live
server, running the project's own VCL, for the edge tests.

Its purge secret is written as at deploy time (`deploy/varnish/purge-secret-vcl`). Besides
its own port, where every request comes from loopback (a TLS terminator, a purger), it
listens with the PROXY protocol, by which a test speaks as a reader at any address.
"""

import http.client
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHADM = shutil.which("varnishadm") or "/usr/bin/varnishadm"
VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "newsroom.vcl"
PURGE_SECRET_VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "purge-secret-vcl"
PURGE_SECRET = "edge-test-purge-secret-0123456789abcdef"
READER_ADDRESS = "203.0.113.7"  # a reader on the internet (TEST-NET-3)

requires_varnish = pytest.mark.skipif(
    not Path(VARNISHD).exists(),
    reason="needs Debian's varnish and varnish-modules (.ci/run installs them)",
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Varnish:
    """varnishd on a loopback port of its own, its backend the given app server port."""

    def __init__(self, *backend_ports, purge_secrets=(PURGE_SECRET,)):
        self.port, self.proxy_port = free_port(), free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
        self.workdir.chmod(0o755)  # varnishd reads its VCL as its own unprivileged user
        self.vcl = self.workdir / "newsroom.vcl"
        self.vcl.write_text(self.with_backends(VCL.read_text(), backend_ports))
        self.write_purge_secrets(*purge_secrets)
        self.process = None

    def write_purge_secrets(self, *secrets):
        """purge_secret.vcl beside the VCL, as the deploy writes it (loaded at start)."""
        written = subprocess.run(
            [PURGE_SECRET_VCL], input="".join(f"{secret}\n" for secret in secrets),
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        (self.workdir / "purge_secret.vcl").write_text(written.stdout)

    @staticmethod
    def with_backends(vcl, ports):
        """The shipped VCL with one backend per app server port, all in its director."""
        backend = re.search(r"^backend app1 \{.*?^\}\n", vcl, re.M | re.S).group(0)
        backends = "\n".join(
            backend.replace("app1", f"app{n}").replace('.port = "8000"', f'.port = "{port}"')
            for n, port in enumerate(ports, 1)
        )
        added = "\n".join(f"    app.add_backend(app{n});" for n in range(1, len(ports) + 1))
        return vcl.replace(backend, backends).replace("    app.add_backend(app1);", added)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def start(self):
        self.process = subprocess.Popen(
            [
                VARNISHD,
                "-F",
                "-n",
                str(self.workdir / "n"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-a",
                f"127.0.0.1:{self.proxy_port},PROXY",
                "-f",
                str(self.vcl),
                "-p",
                f"vcl_path={self.workdir}",
                "-s",
                "malloc,64m",
                "-p",
                "default_grace=0",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    failure = self.process.stderr.read().decode()
                    raise RuntimeError(f"varnishd failed: {failure}") from None
                time.sleep(0.1)
        raise RuntimeError("varnishd did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def admin(self, *command):
        """A varnishadm command's output (`backend.list`, ...)."""
        return subprocess.run(
            [VARNISHADM, "-n", str(self.workdir / "n"), *command],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout  # fmt: skip

    def get(self, path, *, host="localhost", headers=None, method="GET", body=None, client=None):
        """(status, headers as a dict of lower-case names, body text) through Varnish;
        from `client`'s address (through the PROXY listener) when given, else loopback."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        if client is not None:
            connection = http.client.HTTPConnection("127.0.0.1", self.proxy_port, timeout=10)
            connection.connect()
            connection.sock.sendall(f"PROXY TCP4 {client} 127.0.0.1 40000 80\r\n".encode())
        try:
            connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            found = {}
            for name, value in response.getheaders():
                found.setdefault(name.lower(), []).append(value)
            return response.status, {k: ", ".join(v) for k, v in found.items()}, text
        finally:
            connection.close()
