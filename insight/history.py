"""The insight records whose every change is kept (see mountainpartnership/history.py)."""

from mountainpartnership.history import track

from .models import MemberNote

track(MemberNote)
