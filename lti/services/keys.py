"""The tool's own signing keys."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pylti1p3.contrib.django.lti1p3_tool_config.models import LtiToolKey


def tool_key_create(*, name: str) -> LtiToolKey:
    """A new 2048-bit RSA key pair for the tool: it signs deep-linking answers and the
    assertions that obtain service tokens; platforms read its public half at /lti/jwks/.
    The private half stays in the database, readable by superusers in the admin only."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    # save() derives the public JWK (and its kid) from the public key.
    return LtiToolKey.objects.create(name=name, private_key=private_pem, public_key=public_pem)
