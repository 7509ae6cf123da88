from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the person chose another language with the language switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language; a regional French
    portal speaks French to everyone first, and English only on request (a cookie).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NullCharacterInRequest(SuspiciousOperation):
    """A request carrying a NUL character, which no person types and no database stores."""


class RefuseNullCharactersMiddleware:
    """Answer 400 to a request whose address, query or form fields carry a NUL character.

    PostgreSQL refuses NUL in text, so such a value would otherwise reach the database and
    fail there (a 500) wherever a view filters on what it was given. Raised as a
    SuspiciousOperation, it is answered by the 400 handler (JSON under /api/) and logged
    by django.security.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            raise NullCharacterInRequest("NUL character in the address")
        if request.method == "POST" and any(
            "\x00" in value for values in request.POST.lists() for value in values[1]
        ):
            raise NullCharacterInRequest("NUL character in a form field")
        return self.get_response(request)


class KeptPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, which builds the policy for every response; a kept page
    (portal.pagecache) is served with the headers it was drawn with, its policy included,
    and a view that sets its own is left alone, as django-csp itself leaves it: the policy is
    built only for a response that has none."""

    def process_response(self, request, response):
        if CSP_HEADER in response:
            return response
        return super().process_response(request, response)
