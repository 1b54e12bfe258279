from django.core.management.base import BaseCommand, CommandError, CommandParser
from pylti1p3.contrib.django.lti1p3_tool_config.models import LtiToolKey

from lti.services.keys import tool_key_create


class Command(BaseCommand):
    help = (
        "Make the tool's key pair for LTI 1.3 registrations (an RSA key, kept in the "
        "database): choose it as the tool key of a platform's registration in the admin, "
        "and give the platform the tool's key set URL, /lti/jwks/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the key's name in the admin, e.g. 'tracelab-2025'")

    def handle(self, *args: object, name: str, **options: object) -> None:
        if LtiToolKey.objects.filter(name=name).exists():
            raise CommandError(f"a tool key named {name!r} exists already")
        key = tool_key_create(name=name)
        self.stdout.write(f"tool key {key.name!r} made; its public key (JWK): {key.public_jwk}")
