"""Create, list and revoke API tokens: `api_token create EMAIL [--name N] [--expires DAYS]`,
`api_token list [EMAIL]`, `api_token revoke ID_OR_PREFIX`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.api.models import ApiToken
from lms.api.tokens import (
    TokenNotAllowed,
    api_token_create,
    api_token_revoke,
    token_by_id_or_prefix,
)


class Command(BaseCommand):
    help = "Create, list and revoke API tokens; a new token is printed once, on the last line."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token for EMAIL")
        create.add_argument("email")
        create.add_argument("--name", default="")
        create.add_argument("--expires", type=int, default=None, metavar="DAYS")
        listing = actions.add_parser("list", help="list tokens (of EMAIL)")
        listing.add_argument("email", nargs="?", default="")
        revoke = actions.add_parser("revoke", help="revoke the token with this id or prefix")
        revoke.add_argument("token")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _user(self, email):
        user = get_user_model().objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"no user with e-mail {email}")
        return user

    def _create(self, *, email, name, expires, **options):
        owner = self._user(email)
        try:
            token, raw = api_token_create(owner=owner, name=name, expires_days=expires)
        except TokenNotAllowed as error:
            raise CommandError(" ".join(error.messages)) from error
        until = timezone.localtime(token.expires_at).isoformat() if token.expires_at else "never"
        self.stdout.write(f"Token {token.pk} ({token.prefix}) for {owner.email}, expires {until}.")
        self.stdout.write("It is shown only now; store it safely:")
        self.stdout.write(raw)

    def _list(self, *, email, **options):
        tokens = ApiToken.objects.select_related("owner").order_by("owner__email", "-created_at")
        if email:
            tokens = tokens.filter(owner=self._user(email))
        now = timezone.now()
        for token in tokens:
            state = (
                "active" if token.is_usable(now) else "revoked" if token.revoked_at else "expired"
            )
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.prefix,
                        token.owner.email,
                        token.name or "-",
                        state,
                        _when(token.created_at),
                        _when(token.expires_at),
                        _when(token.last_used_at),
                    ]
                )
            )

    def _revoke(self, *, token, **options):
        found = token_by_id_or_prefix(token)
        if found is None:
            raise CommandError(f"no single token with id or prefix {token}")
        api_token_revoke(token=found)
        self.stdout.write(f"Token {found.pk} ({found.prefix}) of {found.owner.email} revoked.")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"
