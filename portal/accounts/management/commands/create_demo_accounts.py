from django.core.management.base import BaseCommand

from portal.accounts.demo import PERSONAS, demo_accounts_ensure, demo_password_reset


class Command(BaseCommand):
    help = "Create one demo account per persona and print the new passwords once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every demo account a new password and print it.",
        )

    def handle(self, *args, reset_passwords=False, **options):
        accounts = demo_accounts_ensure()
        if reset_passwords:
            accounts = [
                (persona, email, demo_password_reset(email=email))
                for persona, email, *_ in PERSONAS
            ]
        self.stdout.write("Demo accounts (http://127.0.0.1:8000/compte/login/):")
        for persona, email, password in accounts:
            shown = password or "(already created; see the first run, or --reset-passwords)"
            self.stdout.write(f"  {persona:24} {email:34} {shown}")
