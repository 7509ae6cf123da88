"""allauth's e-mails (address confirmation, password reset, « already registered ») link to
SITE_URL as every other e-mail of the portal does (portal.links), not to the address the
request came through."""

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter

from portal.links import on_site, site_host


def _is_link(value):
    return isinstance(value, str) and value.startswith(("http://", "https://"))


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        context = {key: on_site(v) if _is_link(v) else v for key, v in context.items()}
        context["current_site"] = SimpleNamespace(domain=site_host(), name="Cohésion")
        super().send_mail(template_prefix, email, context)
