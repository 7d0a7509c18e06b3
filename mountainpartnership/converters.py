"""Path converters for the parts of a URL a visitor can type anything into."""

from django.urls import register_converter


class TokenConverter:
    """A link's token: URL-safe base64 with Django's signing separators (":" and "."). Any
    other character (a NUL, which PostgreSQL cannot even compare, or "%" or a space) means
    no token of ours, so the URL does not match and the answer is a 404 before any view or
    query sees it."""

    regex = r"[-A-Za-z0-9_.:]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(TokenConverter, "token")
