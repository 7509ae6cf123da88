from observatory.benchmark.models import BenchmarkGroup, BenchmarkPosition
from observatory.campaigns.models import Campaign, CampaignReminder
from observatory.establishments.models import Establishment
from observatory.reference.models import CoherenceRule, EmployerKind, Profession, Sector
from observatory.returns.models import (
    FieldComment,
    Return,
    ReturnEvent,
    ReturnLine,
    ReturnVersion,
)
from observatory.secrecy.models import SecrecyAudit

__all__ = [
    "BenchmarkGroup",
    "BenchmarkPosition",
    "Campaign",
    "CampaignReminder",
    "CoherenceRule",
    "EmployerKind",
    "Establishment",
    "FieldComment",
    "Profession",
    "Return",
    "ReturnEvent",
    "ReturnLine",
    "ReturnVersion",
    "SecrecyAudit",
    "Sector",
]
