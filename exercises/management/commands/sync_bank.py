from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.services.bank import BankSyncError, bank_sync, bank_tracks_sync


class Command(BaseCommand):
    help = (
        "Publish the exercise bundles under the bank directory as exercise versions, "
        "then load the tracks and lessons under its tracks/ directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--root",
            type=Path,
            default=settings.TRACELAB_BANK_DIR,
            help="directory holding one bundle per sub-directory (default: exercises/bank)",
        )
        parser.add_argument(
            "--tracks",
            type=Path,
            default=None,
            help="directory holding one track per sub-directory (default: <root>/tracks)",
        )

    def handle(self, *args: object, root: Path, tracks: Path | None, **options: object) -> None:
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

        tracks_root = tracks if tracks is not None else root / "tracks"
        try:
            loaded = bank_tracks_sync(root=tracks_root)
        except BankSyncError as exc:
            raise CommandError(f"lesson content {exc.slug!r} is broken: {exc.error}") from exc
        for kind, slug, state in loaded:
            self.stdout.write(f"{kind} {slug}: {state}")
