"""Stages, decisions and suspension reasons: plain enums, importable anywhere."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    NOTIFIED = "notified"
    INITIAL_SCOPING = "initial_scoping"
    DECISION_PENDING = "decision_pending"
    COMMISSIONED = "commissioned"
    NOT_COMMISSIONED = "not_commissioned"
    TERMS_OF_REFERENCE_AGREED = "terms_of_reference_agreed"
    REPORT_IN_PROGRESS = "report_in_progress"
    FAMILY_REVIEW_OF_DRAFT = "family_review_of_draft"
    SUBMITTED_TO_HOME_OFFICE = "submitted_to_home_office"
    RETURNED_FOR_AMENDMENT = "returned_for_amendment"
    RESUBMITTED = "resubmitted"
    CLEARED = "cleared"
    PUBLICATION_PLANNED = "publication_planned"
    PUBLISHED = "published"
    REMOVED_FROM_WEBSITE = "removed_from_website"
    ACTION_PLAN_MONITORING = "action_plan_monitoring"
    CONCLUDED = "concluded"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def is_closed(self) -> bool:
        return self in (Stage.NOT_COMMISSIONED, Stage.CONCLUDED)


STAGE_LABELS = {
    Stage.NOTIFIED: "Notified",
    Stage.INITIAL_SCOPING: "Initial scoping",
    Stage.DECISION_PENDING: "Decision pending",
    Stage.COMMISSIONED: "Commissioned",
    Stage.NOT_COMMISSIONED: "Not commissioned (closed)",
    Stage.TERMS_OF_REFERENCE_AGREED: "Terms of reference agreed",
    Stage.REPORT_IN_PROGRESS: "Report in progress",
    Stage.FAMILY_REVIEW_OF_DRAFT: "Family reviewing the draft",
    Stage.SUBMITTED_TO_HOME_OFFICE: "Submitted to the Home Office",
    Stage.RETURNED_FOR_AMENDMENT: "Returned for amendment",
    Stage.RESUBMITTED: "Resubmitted to the Home Office",
    Stage.CLEARED: "Cleared by the Home Office",
    Stage.PUBLICATION_PLANNED: "Publication planned",
    Stage.PUBLISHED: "Published",
    Stage.REMOVED_FROM_WEBSITE: "Removed from the website",
    Stage.ACTION_PLAN_MONITORING: "Action plan monitoring",
    Stage.CONCLUDED: "Concluded",
}

# Stages at which a review can be suspended: anything before publication.
SUSPENDABLE = frozenset(
    {
        Stage.NOTIFIED,
        Stage.INITIAL_SCOPING,
        Stage.DECISION_PENDING,
        Stage.COMMISSIONED,
        Stage.TERMS_OF_REFERENCE_AGREED,
        Stage.REPORT_IN_PROGRESS,
        Stage.FAMILY_REVIEW_OF_DRAFT,
        Stage.SUBMITTED_TO_HOME_OFFICE,
        Stage.RETURNED_FOR_AMENDMENT,
        Stage.RESUBMITTED,
        Stage.CLEARED,
        Stage.PUBLICATION_PLANNED,
    }
)


class DecisionOutcome(StrEnum):
    """The scoping subgroup's six recommendations, as decided by the CSP Chair."""

    REVIEW = "review"
    JOINT_CHILD = "joint_child"
    JOINT_SAR = "joint_sar"
    ON_HOLD = "on_hold"
    OTHER_LEARNING = "other_learning"
    NO_REVIEW = "no_review"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]

    @property
    def commissions(self) -> bool:
        return self in (DecisionOutcome.REVIEW, DecisionOutcome.JOINT_CHILD, DecisionOutcome.JOINT_SAR)


DECISION_LABELS = {
    DecisionOutcome.REVIEW: "Commission a review",
    DecisionOutcome.JOINT_CHILD: "Joint review with a child safeguarding practice review",
    DecisionOutcome.JOINT_SAR: "Joint review with a safeguarding adult review",
    DecisionOutcome.ON_HOLD: "On hold until criminal or coronial proceedings end",
    DecisionOutcome.OTHER_LEARNING: "Another type of learning review",
    DecisionOutcome.NO_REVIEW: "No review",
}


class SuspensionReason(StrEnum):
    CRIMINAL_INVESTIGATION = "criminal_investigation"
    TRIAL = "trial"
    INQUEST = "inquest"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            SuspensionReason.CRIMINAL_INVESTIGATION: "Criminal investigation",
            SuspensionReason.TRIAL: "Trial",
            SuspensionReason.INQUEST: "Inquest",
            SuspensionReason.OTHER: "Other",
        }[self]
