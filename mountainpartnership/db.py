"""Database helpers that must behave the same on PostgreSQL and on SQLite."""

import hashlib
import unicodedata

from django.db import transaction
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Coalesce, Collate, Concat, Lower, NullIf
from django.utils.text import slugify
from django.utils.translation import get_language

# A collation named "natural" on both databases: on PostgreSQL, ICU's root collation
# (created by a migration), which sorts "Équateur" among the Es, ignoring case and accents at
# the first level; on SQLite, a Python function registered on every connection (apps.py).
NATURAL = "natural"


def natural_key(text: str) -> tuple[str, str]:
    """Accents and case ignored first, then used to break ties."""
    return (strip_accents(text).casefold(), text)


def sqlite_natural_collation(left: str, right: str) -> int:
    a, b = natural_key(left), natural_key(right)
    return (a > b) - (a < b)


def strip_accents(text: str | None) -> str | None:
    if text is None:
        return None
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def register_sqlite_functions(sender, connection, **kwargs):
    """Give SQLite what PostgreSQL has: the natural collation and unaccent()."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(NATURAL, sqlite_natural_collation)
        connection.connection.create_function("unaccent", 1, strip_accents, deterministic=True)


class Unaccent(Func):
    # PostgreSQL's unaccent extension (created by a migration); a Python function on SQLite.
    function = "UNACCENT"
    output_field = TextField()


def searchable(expression):
    """`expression` lower-cased and without accents, to compare with `search_term()`."""
    return Lower(Unaccent(expression))


def search_term(text: str) -> str:
    return strip_accents(text).lower()


def text_search(queryset, value: str, *expressions):
    """Rows whose `expressions` (the texts as the reader sees them, e.g. translated("name"))
    together contain every word of `value`, ignoring accents and case."""
    words = search_term(value).split()
    if not words:
        return queryset
    parts = []
    for expression in expressions:
        parts += [expression, Value(" ")]
    queryset = queryset.annotate(
        search_text=searchable(Concat(*parts[:-1], output_field=TextField()))
    )
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def unique_slug(model, text: str, fallback: str = "item") -> str:
    """A slug from `text` not yet used by `model` (adding -2, -3... when needed)."""
    base = slugify(text)[:90] or fallback
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def translated(field: str, language: str | None = None, *, english_required: bool = False):
    """The field as a reader of the active language sees it: in their language, else in
    English, else (for texts kept in the language they were written in) in the first other
    language that has it. `english_required` for fields that always have English (names),
    so that the expression stays the one their indexes are built on."""
    language = language or get_language() or "en"
    if english_required:
        if language == "en":
            return F(f"{field}_en")
        return Coalesce(
            NullIf(F(f"{field}_{language}"), Value("")), F(f"{field}_en"), output_field=TextField()
        )
    order = [language] + [code for code in ["en", "fr", "es"] if code != language]
    return Coalesce(
        *[NullIf(F(f"{field}_{code}"), Value("")) for code in order],
        Value(""),
        output_field=TextField(),
    )


def natural_order(expression):
    """`expression` collated for sorting as a reader expects, on either database."""
    return Collate(expression, NATURAL)


def saved_in_bulk(model, pks, fields) -> None:
    """Tell every post_save listener (the page cache, site search) of rows that a bulk write
    changed: `QuerySet.update()` and `bulk_update()` send no signal, so a service that uses one
    calls this once it is done, and the rows are heard of as if each had been saved."""
    from django.db.models.signals import post_save

    for instance in model._default_manager.filter(pk__in=list(pks)).order_by():
        post_save.send(
            sender=model,
            instance=instance,
            created=False,
            update_fields=frozenset(fields),
            raw=False,
            using=instance._state.db,
        )


def transaction_lock(name: str) -> None:
    """Wait for the lock called `name`, then hold it until the current transaction ends: of
    two transactions that take it, the second starts its work once the first has committed,
    and sees what it wrote. For a check-then-record with no row to lock (the first time, no
    row exists yet). On PostgreSQL, an advisory transaction lock on a number drawn from the
    name; on SQLite nothing more is needed, a transaction there holds the whole database's
    write lock from its start (transaction_mode IMMEDIATE, in the settings)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("transaction_lock() needs a transaction.")
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
