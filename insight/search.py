"""Site search: one index over members, areas, activities, events, funding, news, newsletter
editions and public discussions.

Each record has an entry per language (a post: one, in its own language), written whenever
the record is saved and removed when it is deleted or stops being public. An entry has a
title, keywords (found, never shown: an acronym, a country) and the text its excerpt is taken
from. One interface, two back ends chosen by the connection:

- PostgreSQL: the entry's `vector` is made with the language's dictionary (mp_english,
  mp_french, mp_spanish: the built-in ones with unaccent in front, migration 0002), weighted
  title A, keywords and text B, under a GIN index; a query is parsed with each language's
  dictionary (websearch syntax), ranked with ts_rank and highlighted with ts_headline.
- SQLite (make run): an FTS5 table kept in step by triggers (migration 0004), accents
  removed and words stemmed by Porter's English rules in every language; the query is
  translated from the same websearch syntax, ranked with bm25 and highlighted with FTS5's
  highlight() and snippet().

Both then rank, count and number the matches per kind in SQL, a topic counting once however
many of its posts match.
"""

import dataclasses
import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from mountainpartnership.dates import date_format

from .models import SearchEntry

CONFIGS = {"en": "mp_english", "fr": "mp_french", "es": "mp_spanish"}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Marks around matched words from ts_headline: private-use characters, never in real text,
# swapped for <mark> once the excerpt is escaped.
START, STOP = "\ue000", "\ue001"


@dataclasses.dataclass
class Document:
    language: str
    title: str
    text: str
    url: str
    members_only: bool = False
    keywords: str = ""
    topic_id: int | None = None


# kind → (label, how to find the model, documents for one record or [] if not public)
KINDS: dict[str, tuple] = {}


def kind(name: str, label, model: str):
    def register(function: Callable):
        KINDS[name] = (label, model, function)
        return function

    return register


def in_each_language(obj, make: Callable[[str], Document]) -> list[Document]:
    documents = []
    for code in LANGUAGES:
        with translation.override(code):
            documents.append(make(code))
    return documents


def join(*parts) -> str:
    return "\n".join(str(part) for part in parts if part)


@kind("member", _("Members"), "members.Member")
def member_documents(member):
    if member.status == member.Status.WITHDRAWN:
        return []
    return in_each_language(
        member,
        lambda code: Document(
            code,
            member.name,
            member.description,
            member.get_absolute_url(),
            keywords=join(member.acronym, member.country.name),
        ),
    )


@kind("area", _("Areas"), "members.Area")
def area_documents(area):
    return in_each_language(
        area,
        lambda code: Document(code, area.name, area.description or "", area.get_absolute_url()),
    )


@kind("activity", _("Joint activities"), "activities.Activity")
def activity_documents(activity):
    return in_each_language(
        activity,
        lambda code: Document(
            code,
            activity.title,
            join(activity.summary, activity.description),
            activity.get_absolute_url(),
            keywords=activity.other_partners,
        ),
    )


@kind("event", _("Events"), "activities.Event")
def event_documents(event):
    return in_each_language(
        event,
        lambda code: Document(
            code,
            event.title,
            event.description,
            event.get_absolute_url(),
            keywords=event.city,
        ),
    )


@kind("funding", _("Funding"), "activities.FundingOpportunity")
def funding_documents(funding):
    return in_each_language(
        funding,
        lambda code: Document(
            code,
            funding.title,
            funding.description,
            f"{reverse('activities:funding-list')}#{funding.slug}",
            keywords=funding.donor,
        ),
    )


@kind("news", _("News"), "activities.News")
def news_documents(news):
    if news.status != news.Status.PUBLISHED:
        return []
    return in_each_language(
        news,
        lambda code: Document(
            code, news.title, join(news.summary, news.body), news.get_absolute_url()
        ),
    )


@kind("edition", _("Newsletters"), "newsletter.Edition")
def edition_documents(edition):
    from newsletter.models import Item

    if edition.status != edition.Status.SENT:
        return []
    items = list(edition.items.filter(status=Item.Status.APPROVED))
    return in_each_language(
        edition,
        lambda code: Document(
            code,
            _("Newsletter of %(month)s")
            % {"month": date_format(edition.month, "YEAR_MONTH_FORMAT")},
            join(edition.intro, *[join(item.title, item.body) for item in items]),
            reverse("newsletter:edition", args=[edition.month.strftime("%Y-%m")]),
        ),
    )


@kind("post", _("Discussions"), "discussions.Post")
def post_documents(post):
    from discussions.models import Space

    if not post.shown:
        return []
    topic = post.topic
    space = topic.space
    with translation.override(post.language):
        url = post.get_absolute_url()
    return [
        Document(
            post.language,
            post_title(post),
            strip_tags(post.body_html),
            url,
            members_only=space.read_access == Space.Read.MEMBERS,
            topic_id=topic.pk,
        )
    ]


def post_title(post) -> str:
    """The title a post is found under, in the post's language where there is one: its
    topic's, or for a contribution to an e-consultation, the consultation's question."""
    from discussions.models import Consultation

    try:
        consultation = post.topic.consultation
    except Consultation.DoesNotExist:
        return post.topic.title
    return getattr(consultation, f"question_{post.language}") or post.topic.title


def model_of(kind_name: str):
    from django.apps import apps

    return apps.get_model(KINDS[kind_name][1])


def kind_of(model) -> str | None:
    label = model._meta.label
    return next((name for name, (_l, path, _f) in KINDS.items() if path == label), None)


def fill_vectors(entries) -> None:
    """Make the vectors of `entries` (a queryset) in PostgreSQL, each with its dictionary."""
    if connection.vendor != "postgresql":
        return
    cases = " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in CONFIGS.items())
    sql, params = entries.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE insight_searchentry SET vector =
                setweight(to_tsvector((CASE language {cases} END)::regconfig, title), 'A')
                || setweight(to_tsvector((CASE language {cases} END)::regconfig, keywords), 'B')
                || setweight(to_tsvector((CASE language {cases} END)::regconfig, text), 'B')
            WHERE id IN ({sql})
            """,
            params,
        )


def entries_for(obj, name: str, content_type) -> list[SearchEntry]:
    """The unsaved search entries of `obj`, one per Document its kind makes of it."""
    return [
        SearchEntry(
            content_type=content_type,
            object_id=obj.pk,
            kind=name,
            language=document.language,
            title=str(document.title)[:400],
            keywords=document.keywords or "",
            text=document.text or "",
            url=document.url,
            members_only=document.members_only,
            topic_id=document.topic_id,
        )
        for document in KINDS[name][2](obj)
    ]


@transaction.atomic
def index(obj) -> None:
    """Write the search entries of `obj` afresh (none if it is not public)."""
    content_type = ContentType.objects.get_for_model(type(obj))
    SearchEntry.objects.filter(content_type=content_type, object_id=obj.pk).delete()
    name = kind_of(type(obj))
    if name is None:
        return
    entries = entries_for(obj, name, content_type)
    SearchEntry.objects.bulk_create(entries)
    if entries:
        fill_vectors(SearchEntry.objects.filter(content_type=content_type, object_id=obj.pk))


def unindex(obj) -> None:
    SearchEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).delete()


def rebuild(batch: int = 2000) -> int:
    """Index every record again (after a bulk import, or to build the index the first time)."""
    SearchEntry.objects.all().delete()
    written = 0
    for name in KINDS:
        model = model_of(name)
        content_type = ContentType.objects.get_for_model(model)
        queryset = model.objects.order_by("pk")
        if name == "post":
            queryset = queryset.select_related("topic__space", "topic__consultation")
        entries = []
        for obj in queryset.iterator(chunk_size=batch):
            entries += entries_for(obj, name, content_type)
            if len(entries) >= batch:
                SearchEntry.objects.bulk_create(entries)
                written += len(entries)
                entries = []
        SearchEntry.objects.bulk_create(entries)
        written += len(entries)
    fill_vectors(SearchEntry.objects.all())
    return written


# Keeping the index current.


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(lambda: index(instance))


def _deleted(sender, instance, **kwargs):
    unindex(instance)


def _item_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.edition_id:
        edition = instance.edition
        transaction.on_commit(lambda: index(edition))


def _item_deleted(sender, instance, **kwargs):
    """An item taken out of a sent edition leaves the edition's text."""
    if instance.edition_id:
        from newsletter.models import Edition

        edition_id = instance.edition_id
        transaction.on_commit(
            lambda: [index(edition) for edition in Edition.objects.filter(pk=edition_id)]
        )


def _space_saved(sender, instance, raw=False, **kwargs):
    """Who may read a space decides whether its posts are members-only."""
    if raw:
        return
    from discussions.models import Space

    SearchEntry.objects.filter(
        kind="post",
        object_id__in=instance.topics.values("posts"),
    ).update(members_only=instance.read_access == Space.Read.MEMBERS)


def _topic_saved(sender, instance, raw=False, **kwargs):
    """A topic renamed or moved: its posts are shown under its title and space."""
    if raw:
        return

    def reindex():
        for post in instance.posts.select_related("topic__space", "topic__consultation"):
            index(post)

    transaction.on_commit(reindex)


def _consultation_saved(sender, instance, raw=False, **kwargs):
    """A consultation's question is the title its contributions are found under."""
    if raw or instance.topic_id is None:
        return
    _topic_saved(sender, instance.topic)


def connect_signals():
    from discussions.models import Consultation, Space, Topic
    from newsletter.models import Item

    for name in KINDS:
        model = model_of(name)
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{name}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{name}")
    post_save.connect(_item_saved, sender=Item, dispatch_uid="search-item")
    post_delete.connect(_item_deleted, sender=Item, dispatch_uid="search-item-delete")
    post_save.connect(_space_saved, sender=Space, dispatch_uid="search-space")
    post_save.connect(_topic_saved, sender=Topic, dispatch_uid="search-topic")
    post_save.connect(_consultation_saved, sender=Consultation, dispatch_uid="search-consultation")


# Searching.


@dataclasses.dataclass
class Hit:
    kind: str
    title: str
    url: str
    excerpt: str
    language: str


def highlighted(text: str) -> str:
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))


def _visible_filter(language: str, members: bool) -> tuple[str, list]:
    # Translated records in the reader's language; posts in whichever language they are in.
    clause = "(e.language = %s OR e.kind = 'post')"
    if not members:
        clause += " AND NOT e.members_only"
    return clause, [language]


# A query in websearch syntax, as PostgreSQL's websearch_to_tsquery reads it: words (all of
# them), "a phrase", `or` between two alternatives, -word to leave out.
QUERY_PARTS = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# Words as FTS5's unicode61 tokenizer sees them: letters and digits, nothing else.
WORD = re.compile(r"[^\W_]+")


def fts5_query(query: str) -> str | None:
    """`query` as an FTS5 query with the same meaning, every word quoted so that nothing
    typed is read as FTS5's own syntax (NEAR, column filters, prefixes); None when it has no
    word to look for."""
    alternatives: list[list[str]] = []  # all of these, each one of its phrases
    leave_out: list[str] = []
    either = False
    for sign, quoted, bare in QUERY_PARTS.findall(query):
        if bare.lower() == "or":
            either = bool(alternatives)
            continue
        if bare.startswith("-"):
            sign, bare = "-", bare[1:]
        words = WORD.findall(quoted or bare)
        if not words:
            continue
        phrase = '"' + " ".join(words) + '"'
        if sign:
            leave_out.append(phrase)
        elif either:
            alternatives[-1].append(phrase)
        else:
            alternatives.append([phrase])
        either = False
    if not alternatives:
        return None
    wanted = " AND ".join("(" + " OR ".join(phrases) + ")" for phrases in alternatives)
    return f"({wanted})" + "".join(f" NOT {phrase}" for phrase in leave_out)


class PostgreSQL:
    """Each entry matched with the query parsed by its own language's dictionary."""

    def __init__(self, query: str):
        self.queries = ", ".join(
            f"websearch_to_tsquery('{config}', %s) AS {code}" for code, config in CONFIGS.items()
        )
        self.params = [query] * len(CONFIGS)
        # PostgreSQL judges the words itself: stop words or punctuation alone match nothing.
        self.has_words = True
        self.per_language = " ".join(f"WHEN '{code}' THEN q.{code}" for code in CONFIGS)
        self.configs = " ".join(
            f"WHEN '{code}' THEN '{config}'" for code, config in CONFIGS.items()
        )

    def found(self, visible: str) -> tuple[str, str, list]:
        matches = " OR ".join(
            f"(e.language = '{code}' AND e.vector @@ q.{code})" for code in CONFIGS
        )
        sql = f"""
            SELECT e.id, e.kind, COALESCE(e.topic_id, e.object_id) AS hit,
                   ts_rank(e.vector, CASE e.language {self.per_language} END) AS rank
            FROM insight_searchentry e, q
            WHERE {visible} AND ({matches})
        """
        return f"WITH q AS (SELECT {self.queries}),", sql, self.params

    def excerpts(self, ids: str) -> tuple[str, list]:
        query = f"CASE e.language {self.per_language} END"
        config = f"(CASE e.language {self.configs} END)::regconfig"
        sql = f"""
            WITH q AS (SELECT {self.queries})
            SELECT e.id, e.url, e.language,
                ts_headline({config}, e.title, {query},
                    'StartSel={START}, StopSel={STOP}, HighlightAll=true'),
                ts_headline({config}, e.text, {query},
                    'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2')
            FROM insight_searchentry e, q WHERE e.id IN ({ids})
        """
        return sql, self.params


class SQLite:
    """FTS5: one index for every language, accents removed, Porter's English stemming."""

    # bm25's weight of each column (title, keywords, text), as ts_rank's A and B (1.0, 0.4).
    WEIGHTS = "2.5, 1.0, 1.0"

    def __init__(self, query: str):
        match = fts5_query(query)
        self.has_words = match is not None
        self.params = [match]

    def found(self, visible: str) -> tuple[str, str, list]:
        sql = f"""
            SELECT e.id, e.kind, COALESCE(e.topic_id, e.object_id) AS hit,
                   -bm25(insight_searchentry_fts, {self.WEIGHTS}) AS rank
            FROM insight_searchentry_fts
            JOIN insight_searchentry e ON e.id = insight_searchentry_fts.rowid
            WHERE insight_searchentry_fts MATCH %s AND {visible}
        """
        return "WITH", sql, self.params

    def excerpts(self, ids: str) -> tuple[str, list]:
        sql = f"""
            SELECT e.id, e.url, e.language,
                highlight(insight_searchentry_fts, 0, '{START}', '{STOP}'),
                snippet(insight_searchentry_fts, 2, '{START}', '{STOP}', '…', 30)
            FROM insight_searchentry_fts
            JOIN insight_searchentry e ON e.id = insight_searchentry_fts.rowid
            WHERE insight_searchentry_fts MATCH %s AND e.id IN ({ids})
        """
        return sql, self.params


def search(
    query: str, language: str, members: bool, kind_name: str | None, offset: int, limit: int
):
    """(counts by kind, hits) for `query` as a reader in `language` sees it. Without
    `kind_name`, the best `limit` of each kind; with it, `limit` of that kind from `offset`.
    A topic is one hit, shown by its best-matching post. Two queries: the matches are ranked
    once, counted and numbered per kind with window functions; then only the rows shown are
    read again for their excerpts."""
    backend = SQLite(query) if connection.vendor == "sqlite" else PostgreSQL(query)
    if not backend.has_words:
        return {}, []
    visible, params = _visible_filter(language, members)
    if kind_name:
        # The page of one kind, and one row of every other kind for its count.
        shown = "(r.kind = %s AND r.place > %s AND r.place <= %s) OR r.place = 1"
        shown_params = [kind_name, offset, offset + limit]
    else:
        shown = "r.place <= %s"
        shown_params = [limit]
    start, found, found_params = backend.found(visible)
    ranking = f"""
        {start}
        found AS ({found}),
        best AS (
            SELECT id, kind, rank,
                   row_number() OVER (PARTITION BY kind, hit ORDER BY rank DESC, id) AS nth
            FROM found
        ),
        ranked AS (
            SELECT id, kind, rank,
                   row_number() OVER (PARTITION BY kind ORDER BY rank DESC, id) AS place,
                   count(*) OVER (PARTITION BY kind) AS total
            FROM best WHERE nth = 1
        )
        SELECT r.id, r.kind, r.total, r.place FROM ranked r
        WHERE {shown}
        ORDER BY r.rank DESC, r.id
    """
    with connection.cursor() as cursor:
        cursor.execute(ranking, found_params + params + shown_params)
        ranked = cursor.fetchall()
        counts = {kind: total for _pk, kind, total, _place in ranked}
        shown_rows = [
            (pk, kind)
            for pk, kind, _total, place in ranked
            if not kind_name or (kind == kind_name and place > offset)
        ]
        marked = {}
        if shown_rows:
            # Only the rows shown are read again, by primary key, for their marked excerpts.
            excerpts, excerpt_params = backend.excerpts(", ".join(["%s"] * len(shown_rows)))
            cursor.execute(excerpts, excerpt_params + [pk for pk, _kind in shown_rows])
            marked = {pk: rest for pk, *rest in cursor.fetchall()}
    hits = []
    for pk, kind in shown_rows:
        url, entry_language, title, excerpt = marked[pk]
        hits.append(Hit(kind, highlighted(title), url, highlighted(excerpt), entry_language))
    return counts, hits
