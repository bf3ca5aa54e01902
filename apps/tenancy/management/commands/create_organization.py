from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.tenancy.models import Role
from apps.tenancy.services import membership_grant, organization_create


class Command(BaseCommand):
    help = "Create an organisation (tenant) and its first HR admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True, help="Address part: /o/<slug>/")
        parser.add_argument("--time-zone", default="UTC")
        parser.add_argument("--language", default="en")
        parser.add_argument("--hr-email", required=True, help="E-mail of the first HR admin")
        parser.add_argument(
            "--hr-password", help="Initial password; leave out to let them set one through 'Forgotten your password?'"
        )

    def handle(self, *args, **options):
        try:
            organization = organization_create(
                name=options["name"],
                slug=options["slug"],
                time_zone=options["time_zone"],
                language=options["language"],
            )
            membership_grant(
                organization=organization,
                email=options["hr_email"],
                role=Role.HR_ADMIN,
                password=options["hr_password"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {organization.name} at /o/{organization.slug}/ with HR admin {options['hr_email']}."
            )
        )
