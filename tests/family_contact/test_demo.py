from portal.demo.data import load_demo_data
from portal.family_contact.models import FamilyContactEntry, FamilyMember
from portal.family_contact.queries import missing_milestones
from portal.reviews.models import Review


def test_two_demo_reviews_have_fictional_family_contact(ctx):
    load_demo_data(ctx.config)
    for reference in ("DARDR-2026-001", "DHR-2025-007"):
        review = Review.get(Review.reference == reference)
        assert FamilyMember.select().where(FamilyMember.review == review).count() == 2
        assert FamilyContactEntry.select().where(FamilyContactEntry.review == review).count() == 3
    older = Review.get(Review.reference == "DHR-2025-007")
    assert missing_milestones(older, "submission") == []
    assert len(missing_milestones(older, "publication")) == 2  # the family's notice, and the sister's
