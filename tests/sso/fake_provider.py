"""A fake OpenID provider on pytest-httpserver: discovery, JWKS, token and userinfo endpoints.

It behaves like a real one where the portal could get it wrong: the token endpoint checks the
client's secret, the code, the redirect URI and the PKCE verifier, and signs an RS256 id_token
carrying the nonce the authorize request asked for.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

CLIENT_ID = "portal"
CLIENT_SECRET = "s3cret-for-tests"
KID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeProvider:
    def __init__(self, server: HTTPServer):
        self.server = server
        self.issuer = server.url_for("").rstrip("/")
        self.key = new_key()
        # Whatever signs the next id_token: swap it for a stranger's key to forge one.
        self.signing_key = self.key
        self.claims: dict = {}
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        server.expect_request("/.well-known/openid-configuration").respond_with_json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        server.expect_request("/jwks").respond_with_json(
            {"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}
        )
        server.expect_request("/token", method="POST").respond_with_handler(self._token)
        server.expect_request("/userinfo").respond_with_handler(self._userinfo)

    def authorize(self, location: str, claims: dict) -> dict:
        """What the provider does after the person signs in: remember who, hand out a code.

        Returns the callback's query (``code`` and ``state``).
        """
        query = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
        code = f"code-{len(self.codes) + 1}"
        self.codes[code] = {"authorize": query, "claims": claims}
        return {"code": code, "state": query["state"]}

    def _token(self, request: Request) -> Response:
        form = request.form.to_dict()
        self.token_requests.append(form)
        grant = self.codes.pop(form.get("code", ""), None)
        if (
            grant is None
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != grant["authorize"]["redirect_uri"]
            or _challenge(form.get("code_verifier", "")) != grant["authorize"]["code_challenge"]
        ):
            error = json.dumps({"error": "invalid_grant"})
            return Response(error, 400, mimetype="application/json")
        now = int(time.time())
        self.claims = grant["claims"]
        id_token = jwt.encode(
            {
                "iss": self.issuer,
                "aud": CLIENT_ID,
                "sub": grant["claims"]["sub"],
                "iat": now,
                "exp": now + 300,
                "nonce": grant["authorize"]["nonce"],
            },
            self.signing_key,
            algorithm="RS256",
            headers={"kid": KID},
        )
        body = {"access_token": "access-" + form["code"], "token_type": "Bearer"}
        return Response(json.dumps({**body, "id_token": id_token}), mimetype="application/json")

    def _userinfo(self, request: Request) -> Response:
        if not request.headers.get("Authorization", "").startswith("Bearer access-"):
            return Response("", 401)
        return Response(json.dumps(self.claims), mimetype="application/json")


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
