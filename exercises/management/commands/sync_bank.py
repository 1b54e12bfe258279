from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.services.bank import BankSyncError, bank_sync


class Command(BaseCommand):
    help = "Publish the exercise bundles under the bank directory as exercise versions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--root",
            type=Path,
            default=settings.TRACELAB_BANK_DIR,
            help="directory holding one bundle per sub-directory (default: exercises/bank)",
        )

    def handle(self, *args: object, root: Path, **options: object) -> None:
        if not root.is_dir():
            raise CommandError(f"bank directory {root} does not exist")
        try:
            synced = bank_sync(root=root)
        except BankSyncError as exc:
            raise CommandError(f"bundle {exc.slug!r} is broken: {exc.error}") from exc
        for slug, number, created in synced:
            state = "created" if created else "unchanged"
            self.stdout.write(f"{slug}: version {number} ({state})")
        if not synced:
            self.stdout.write(f"no bundles found under {root}")
