from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.services.bank import bank_bundle_dirs


class Command(BaseCommand):
    help = (
        "Validate exercise bundles before publishing: the reference passes, the starter fails, "
        "every mistake is caught and named, agreement programs pass, figures are reproduced."
    )
    # It reads bundle files and runs the sandbox only: no database, no URLs to check.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "slugs", nargs="*", help="bundle directories to validate (default: all)"
        )
        parser.add_argument(
            "--root",
            type=Path,
            default=settings.TRACELAB_BANK_DIR,
            help="directory holding one bundle per sub-directory (default: exercises/bank)",
        )

    def handle(self, *args: object, slugs: list[str], root: Path, **options: object) -> None:
        import grader

        if not root.is_dir():
            raise CommandError(f"bank directory {root} does not exist")
        paths = bank_bundle_dirs(root=root)
        if slugs:
            known = {path.name: path for path in paths}
            unknown = [slug for slug in slugs if slug not in known]
            if unknown:
                raise CommandError(f"no bundle named {', '.join(map(repr, unknown))} under {root}")
            paths = [known[slug] for slug in slugs]
        if not paths:
            raise CommandError(f"no bundles found under {root}")
        failed = []
        for path in paths:
            try:
                bundle = grader.load_bundle(path)
            except grader.BundleError as exc:
                self.stdout.write(f"{path.name}: INVALID (cannot be loaded)\n  FAIL  load: {exc}")
                failed.append(path.name)
                continue
            try:
                report = grader.validate_bundle(bundle)
            except grader.SandboxError as exc:
                raise CommandError(f"the sandbox could not run {path.name}: {exc}") from exc
            self.stdout.write(report.format())
            if not report.ok:
                failed.append(path.name)
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(paths)} bundles failed validation: {', '.join(failed)}"
            )
        self.stdout.write(f"all {len(paths)} bundles are valid")
