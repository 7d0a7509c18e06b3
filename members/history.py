"""The members' records whose every change is kept (see mountainpartnership/history.py)."""

from mountainpartnership.history import track

from .models import Area, FocalPoint, Member, MemberHistory, Region, Representation

track(Member, m2m_fields=["areas"], bases=[MemberHistory])
track(FocalPoint)
track(Representation)
track(Area, m2m_fields=["leading_members"])
track(Region)
