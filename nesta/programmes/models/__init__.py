"""The programmes' data, one module per concern; import from here.

funding        programmes, the funding plan and its budget lines (四.2)
calls          calls for applications (申报指南), their criteria and review rounds
applications   applications, team, budget table, attachments, avoidance requests
review         conflict declarations, reviewer assignments (invitations) and reviews
decisions      selection runs (the optimised award list beside rank-until-budget)
projects       task contracts (任务书), milestones, reports, payments, acceptance
subsidies      interest subsidies (贴息): funds, loans, bank interest statements, instalments
"""

from nesta.programmes.models.applications import (
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    AvoidRequest,
    BudgetCategory,
    BudgetItem,
    TeamMember,
)
from nesta.programmes.models.calls import Call, CallStatus, Criterion, CriterionScale, ReviewRound, RoundKind
from nesta.programmes.models.decisions import SelectionRun
from nesta.programmes.models.funding import FundingPlanLine, Programme
from nesta.programmes.models.projects import (
    Acceptance,
    AcceptanceResult,
    Milestone,
    MilestoneReport,
    Payment,
    Project,
    ReportStatus,
)
from nesta.programmes.models.review import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Familiarity,
    Grade,
    Opinion,
    Review,
)
from nesta.programmes.models.subsidies import (
    InterestStatement,
    StatementStatus,
    SubsidisedLoan,
    SubsidyFund,
    SubsidyInstalment,
)

__all__ = [
    "Acceptance",
    "AcceptanceResult",
    "Application",
    "ApplicationAttachment",
    "ApplicationStatus",
    "Assignment",
    "AssignmentStatus",
    "AvoidRequest",
    "BudgetCategory",
    "BudgetItem",
    "Call",
    "CallStatus",
    "ConflictDeclaration",
    "Criterion",
    "CriterionScale",
    "Familiarity",
    "FundingPlanLine",
    "Grade",
    "InterestStatement",
    "Milestone",
    "MilestoneReport",
    "Opinion",
    "Payment",
    "Programme",
    "Project",
    "ReportStatus",
    "Review",
    "ReviewRound",
    "RoundKind",
    "SelectionRun",
    "StatementStatus",
    "SubsidisedLoan",
    "SubsidyFund",
    "SubsidyInstalment",
    "TeamMember",
]
