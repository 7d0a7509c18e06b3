"""The discussions' records whose every change is kept (see mountainpartnership/history.py):
spaces and consultations, and the moderation of topics (pinned, locked) and posts (hidden,
kept, with the reason and who decided)."""

from mountainpartnership.history import track

from .models import Consultation, ModerationQueue, Post, Space, Topic

for model in [Space, Topic, Post, Consultation]:
    track(model)

# The moderation queue is the posts' admin under another name: the same history.
ModerationQueue._meta.simple_history_manager_attribute = Post._meta.simple_history_manager_attribute
