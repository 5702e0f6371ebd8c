"""A real S3-compatible server on loopback for the tests: moto's server mode, started and
stopped by the test, with a bucket of logs written through boto3."""

import contextlib
import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

import boto3

ROOT = pathlib.Path(__file__).resolve().parents[2]
LRA = os.environ.get("LRA", str(ROOT / "target/release/lra"))

# The server's own account; the tests read as the IAM user `ci` made below.
ROOT_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
REGION = "us-east-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """moto_server on a free loopback port."""

    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        moto = pathlib.Path(sys.executable).with_name("moto_server")
        self.log = open(os.environ.get("MOTO_LOG", os.devnull), "wb")
        self.process = subprocess.Popen(
            [str(moto), "-H", "127.0.0.1", "-p", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("moto_server did not start")
            time.sleep(0.1)

    def client(self, service, keys=ROOT_KEYS):
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
        )

    def user_denied(self, denied_arn):
        """An IAM user that may do anything in S3 but read `denied_arn`; its keys."""
        iam = self.client("iam")
        iam.create_user(UserName="ci")
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:GetObject", "Resource": denied_arn},
            ],
        }
        iam.put_user_policy(UserName="ci", PolicyName="ci", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="ci")["AccessKey"]
        return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}

    def enforce_auth(self):
        """From now on every request is authenticated and authorized by IAM."""
        # As text: a form's content type would leave the body to the form parser.
        request = urllib.request.Request(
            f"{self.endpoint}/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}
        )
        urllib.request.urlopen(request).read()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def generate(path, *args):
    """Writes `lra generate ARGS` to `path`: the logs the servers hold."""
    with open(path, "wb") as out:
        subprocess.run([LRA, "generate", *args], stdout=out, check=True)


def lra_env(keys, endpoint=None):
    """The environment `lra` reads credentials from, and nothing else of the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(keys)
    env["AWS_REGION"] = REGION
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


class Proxy:
    """A TCP proxy on loopback in front of the server: each connection is relayed by two
    threads, `requests` (client to server) and `responses` (server to client), which a fault
    overrides; `endpoint` is what lra is pointed at."""

    def __init__(self, upstream_port):
        import threading

        self.upstream_port = upstream_port
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self.requests, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.responses, args=(upstream, client), daemon=True).start()

    def requests(self, client, upstream):
        with contextlib.suppress(OSError):
            while data := client.recv(1 << 16):
                if not self.passes(data, client, upstream):
                    return
                upstream.sendall(data)
        with contextlib.suppress(OSError):
            upstream.shutdown(socket.SHUT_WR)

    def passes(self, data, client, upstream):
        """Whether a piece of a request goes on to the server; the plain proxy passes all."""
        return True

    def responses(self, upstream, client):
        with contextlib.suppress(OSError):
            while data := upstream.recv(1 << 16):
                client.sendall(data)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_WR)
            client.close()
            upstream.close()

    def stop(self):
        self.listener.close()


def drop(*socks):
    """Ends connections mid-way, as a failing network does. A shutdown, not just a close: the
    other thread's recv holds the socket open."""
    for sock in socks:
        sock.shutdown(socket.SHUT_RDWR)
        sock.close()


class CuttingProxy(Proxy):
    """Drops connections mid-response: the first `cuts` connections that carry more than
    `after` bytes back to the client are closed there. It records whether each request asked
    for a range."""

    def __init__(self, upstream_port, after, cuts):
        self.after, self.cuts_left = after, cuts
        self.cut = 0
        self.ranges = []
        super().__init__(upstream_port)

    def passes(self, data, client, upstream):
        for line in data.split(b"\r\n"):
            if line.lower().startswith(b"range:"):
                with self.lock:
                    self.ranges.append(line.decode())
        return True

    def responses(self, upstream, client):
        sent = 0
        with contextlib.suppress(OSError):
            while data := upstream.recv(1 << 16):
                sent += len(data)
                if sent > self.after:
                    with self.lock:
                        cut = self.cuts_left > 0
                        self.cuts_left -= cut
                        self.cut += cut
                    if cut:
                        drop(client, upstream)
                        return
                client.sendall(data)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_WR)
        client.close()
        upstream.close()


class PartRefusingProxy(Proxy):
    """Closes every connection that carries a multipart upload's part (a request line with
    `partNumber=`), as a network that fails mid-upload does; every other request (creating the
    upload, aborting it) passes. It counts the parts refused."""

    def __init__(self, upstream_port):
        self.refused = 0
        super().__init__(upstream_port)

    def passes(self, data, client, upstream):
        if b"partNumber=" not in data:
            return True
        with self.lock:
            self.refused += 1
        drop(client, upstream)
        return False
