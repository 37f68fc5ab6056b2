"""PHI encrypted at rest: AES-256-GCM per value, with the key id in every ciphertext.

Keys come from CLAIMGRAPH_KEYS ("id:base64key,id:base64key", the last one encrypts) or,
for the embedded default, a key file under $CLAIMGRAPH_HOME generated on first use. Old
keys stay readable until retired, so rotation re-encrypts while the server serves; a
ciphertext under a key id this process has not seen makes it reload the key file once.
Equality search on encrypted values goes through keyed HMAC blind indexes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from db import settings

PREFIX = "enc1"


class KeyRing:
    def __init__(self, keys: dict[str, bytes], active: str, *, path: Path | None = None) -> None:
        self.keys = dict(keys)
        self.active = active
        self.path = path
        self._lock = threading.Lock()
        self._ciphers: dict[str, AESGCM] = {}

    @classmethod
    def load(cls) -> KeyRing:
        env = os.environ.get("CLAIMGRAPH_KEYS")
        if env:
            pairs = [item.split(":", 1) for item in env.split(",") if item.strip()]
            keys = {kid.strip(): base64.b64decode(raw) for kid, raw in pairs}
            return cls(keys, pairs[-1][0].strip())
        path = settings.home() / "keys" / "data-keys.json"
        if not path.exists():
            _write_keyfile(path, {"active": "k1", "keys": {"k1": _new_key()}})
        return cls._from_file(path)

    @classmethod
    def _from_file(cls, path: Path) -> KeyRing:
        data = json.loads(path.read_text())
        keys = {kid: base64.b64decode(raw) for kid, raw in data["keys"].items()}
        return cls(keys, data["active"], path=path)

    def key(self, kid: str) -> bytes:
        if kid not in self.keys and self.path is not None:
            with self._lock:  # a key added by `claimgraph keys rotate` since we loaded
                fresh = KeyRing._from_file(self.path)
                self.keys.update(fresh.keys)
        return self.keys[kid]

    def _cipher(self, kid: str) -> AESGCM:
        # building the cipher costs more than using it: one per key, reused
        cipher = self._ciphers.get(kid)
        if cipher is None:
            cipher = self._ciphers[kid] = AESGCM(self.key(kid))
        return cipher

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._cipher(self.active).encrypt(nonce, plaintext.encode(), context.encode())
        return f"{PREFIX}:{self.active}:{base64.b64encode(nonce + sealed).decode()}"

    def encrypt_bytes(self, plaintext: bytes, context: str) -> bytes:
        """Bytes sealed under the active key: key id, a colon, nonce and ciphertext."""
        nonce = secrets.token_bytes(12)
        sealed = self._cipher(self.active).encrypt(nonce, plaintext, context.encode())
        return self.active.encode() + b":" + nonce + sealed

    def decrypt_bytes(self, sealed: bytes, context: str) -> bytes:
        kid, _, raw = sealed.partition(b":")
        return self._cipher(kid.decode()).decrypt(raw[:12], raw[12:], context.encode())

    def decrypt(self, token: str, context: str) -> str:
        prefix, kid, body = token.split(":", 2)
        if prefix != PREFIX:
            raise ValueError("not a claimgraph ciphertext")
        raw = base64.b64decode(body)
        return self._cipher(kid).decrypt(raw[:12], raw[12:], context.encode()).decode()

    def blind_index(self, *parts: str) -> str:
        """A keyed HMAC of normalised values: equality search without decrypting."""
        message = "\x1f".join(p.strip().lower() for p in parts).encode()
        return hmac.new(self._index_key(), message, hashlib.sha256).hexdigest()

    def _index_key(self) -> bytes:
        # derived from the first key, so it survives rotation of the encryption keys
        first = sorted(self.keys)[0]
        return hmac.new(self.keys[first], b"claimgraph blind index", hashlib.sha256).digest()


def name_dob_index(last_name: str, born) -> str:
    """Blind index of a last name with a date of birth (how people are looked up)."""
    return keyring().blind_index(last_name, str(born))


def ssn_index(ssn: str) -> str:
    """Blind index of an SSN, whatever its punctuation."""
    return keyring().blind_index("".join(ch for ch in ssn if ch.isdigit()))


def tax_id_index(tax_id: str) -> str:
    """Blind index of a tax id (EIN), whatever its punctuation."""
    return keyring().blind_index("tax_id", "".join(ch for ch in tax_id if ch.isdigit()))


def _new_key() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


def _write_keyfile(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps(data))
    os.replace(tmp, path)


_RING: KeyRing | None = None
_RING_LOCK = threading.Lock()


def keyring() -> KeyRing:
    global _RING
    if _RING is None:
        with _RING_LOCK:
            if _RING is None:
                _RING = KeyRing.load()
    return _RING


def reset() -> None:
    """Forget the loaded keys (tests, and the CLI after a rotation)."""
    global _RING
    _RING = None


def add_key() -> str:
    """Add a new active key to the key file; returns its id (old keys stay readable)."""
    path = settings.home() / "keys" / "data-keys.json"
    if os.environ.get("CLAIMGRAPH_KEYS"):
        raise RuntimeError("keys come from CLAIMGRAPH_KEYS: add the new key there")
    ring = keyring()
    data = {
        "active": ring.active,
        "keys": {k: base64.b64encode(v).decode() for k, v in ring.keys.items()},
    }
    kid = f"k{max(int(k[1:]) for k in data['keys'] if k[1:].isdigit()) + 1}"
    data["keys"][kid] = _new_key()
    data["active"] = kid
    _write_keyfile(path, data)
    reset()
    return kid


class Encrypted(TypeDecorator):
    """A text value stored as AES-256-GCM ciphertext bound to its column."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value, dialect):
        # every value is sealed, even text that looks sealed already: a person may type
        # "enc1:..." into a field, and storing it as it came would make it unreadable
        if value is None:
            return None
        return keyring().encrypt(self._to_text(value), self.context)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return self._from_text(keyring().decrypt(value, self.context))

    def _to_text(self, value) -> str:
        return str(value)

    def _from_text(self, text: str):
        return text


class EncryptedDate(Encrypted):
    """A date stored as ciphertext of its ISO form."""

    cache_ok = True

    def _to_text(self, value) -> str:
        return value.isoformat()

    def _from_text(self, text: str):
        return date.fromisoformat(text)
