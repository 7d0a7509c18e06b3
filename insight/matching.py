"""Partner matchmaking (§12, §28): who and what shares a member's areas and region.

Other members are ranked by shared areas (thematic and geographic count the same), then by
sharing the region; joint activities by shared areas, those still looking for partners (proposed
or in planning) first, and never those the member already takes part in.
"""

from django.db.models import Case, Count, IntegerField, Q, Value, When

from activities.models import Activity
from members.models import Member

LOOKING_FOR_PARTNERS = [Activity.Status.PROPOSED, Activity.Status.PLANNING]


def partner_members(member, limit=20):
    areas = list(member.areas.values_list("pk", flat=True))
    return (
        Member.objects.public()
        .exclude(pk=member.pk)
        .annotate(
            shared_areas=Count("areas", filter=Q(areas__in=areas), distinct=True),
            same_region=Case(
                When(region_id=member.region_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .filter(Q(shared_areas__gt=0) | Q(same_region=1))
        .select_related("region")
        .order_by("-shared_areas", "-same_region", "name")[:limit]
    )


def partner_activities(member, limit=20):
    areas = list(member.areas.values_list("pk", flat=True))
    return (
        Activity.objects.exclude(participations__member=member)
        .exclude(status__in=[Activity.Status.COMPLETED, Activity.Status.CANCELLED])
        .annotate(
            shared_areas=Count("areas", filter=Q(areas__in=areas), distinct=True),
            looking=Case(
                When(status__in=LOOKING_FOR_PARTNERS, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .filter(shared_areas__gt=0)
        .order_by("-looking", "-shared_areas", "title")[:limit]
    )
