#!/usr/bin/env python3
"""A tiny token server for distribution's `auth: token`, for galley's tests.

Issues JWTs (RS256, signed with `openssl dgst`, certificate in the x5c
header, so the registry only needs the certificate in its rootcertbundle) as
the Docker token protocol asks:

  GET  /token?service=S&scope=repository:NAME:pull,push[&scope=...][&account=U]
       with or without  Authorization: Basic base64(user:password)
  POST /token  grant_type=password&username=U&password=P&service=S&scope=...

Policy: a known user with the right password gets every action it asks for;
anonymous callers get only "pull", and nothing under "private/" nor the
catalog; a wrong password is refused with 401.  Python standard library plus
the openssl command only.
"""
import argparse
import base64
import http.server
import json
import subprocess
import sys
import time
import urllib.parse
import uuid


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    def __init__(self, key, cert):
        self.key = key
        der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"],
                             capture_output=True, check=True).stdout
        self.x5c = [base64.b64encode(der).decode()]

    def sign(self, claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         b64url(json.dumps(claims, separators=(",", ":")).encode()))
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key],
                             input=signing_input.encode(), capture_output=True, check=True).stdout
        return signing_input + "." + b64url(sig)


def parse_scope(scope):
    """'repository:foo/bar:pull,push' -> ('repository', 'foo/bar', ['pull', 'push'])"""
    parts = scope.split(":")
    if len(parts) < 3:
        return None
    return parts[0], ":".join(parts[1:-1]), [a for a in parts[-1].split(",") if a]


def grant(typ, name, actions, user):
    if user is not None:
        return actions
    if typ != "repository" or name.startswith("private/"):
        return []
    return [a for a in actions if a == "pull"]


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "galley-test-token/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

    def reply(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def basic_user(self):
        """None for anonymous, the user name, or False for bad credentials."""
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except Exception:
            return False
        return user if self.server.users.get(user) == password else False

    def issue(self, params, user):
        if user is False:
            return self.reply(401, {"details": "incorrect username or password"})
        service = params.get("service", [""])[0]
        if service != self.server.service:
            return self.reply(400, {"details": "unknown service %r" % service})
        access = []
        for scope in params.get("scope", []):
            for one in scope.split(" "):
                parsed = parse_scope(one)
                if parsed is None:
                    return self.reply(400, {"details": "invalid scope %r" % one})
                typ, name, actions = parsed
                granted = grant(typ, name, actions, user)
                if granted:
                    access.append({"type": typ, "name": name, "actions": granted})
        now = int(time.time())
        claims = {"iss": self.server.issuer, "sub": user or "", "aud": service, "exp": now + self.server.ttl,
                  "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()), "access": access}
        token = self.server.signer.sign(claims)
        self.reply(200, {"token": token, "access_token": token, "expires_in": self.server.ttl,
                         "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))})

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/token":
            return self.reply(404, {"details": "not found"})
        self.issue(urllib.parse.parse_qs(url.query), self.basic_user())

    def do_POST(self):
        if urllib.parse.urlsplit(self.path).path != "/token":
            return self.reply(404, {"details": "not found"})
        length = int(self.headers.get("Content-Length", "0") or 0)
        params = urllib.parse.parse_qs(self.rfile.read(length).decode())
        user = None
        if params.get("grant_type", [""])[0] == "password":
            u, p = params.get("username", [""])[0], params.get("password", [""])[0]
            user = u if self.server.users.get(u) == p else False
        self.issue(params, user)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", default="127.0.0.1:5004")
    ap.add_argument("--key", required=True, help="RSA private key (PEM)")
    ap.add_argument("--cert", required=True, help="its certificate (PEM), in the registry's rootcertbundle")
    ap.add_argument("--service", default="galley-test-registry")
    ap.add_argument("--issuer", default="galley-test-token-server")
    ap.add_argument("--user", action="append", default=[], help="USER:PASSWORD (repeatable)")
    ap.add_argument("--ttl", type=int, default=300)
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")
    srv = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    srv.signer = Signer(args.key, args.cert)
    srv.service, srv.issuer, srv.ttl = args.service, args.issuer, args.ttl
    srv.users = dict(u.split(":", 1) for u in args.user)
    srv.serve_forever()


if __name__ == "__main__":
    main()
