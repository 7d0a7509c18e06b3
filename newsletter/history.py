"""The newsletter's records whose every change is kept (see mountainpartnership/history.py).
Subscribers and deliveries are not: they are addresses and sending bookkeeping, not records
the secretariat edits."""

from mountainpartnership.history import track

from .models import Edition, Item

track(Edition)
track(Item)
