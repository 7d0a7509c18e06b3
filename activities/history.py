"""The activities' records whose every change is kept (see mountainpartnership/history.py)."""

from mountainpartnership.history import track

from .models import (
    Activity,
    Event,
    Funding,
    FundingOpportunity,
    Milestone,
    News,
    Output,
    Participation,
    StatusChange,
)

for model in [
    Activity,
    Participation,
    StatusChange,
    Milestone,
    Funding,
    Output,
    Event,
    FundingOpportunity,
    News,
]:
    track(model)
