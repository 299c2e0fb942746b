"""The shared instrument network (三.1 科技条件平台: 大型科学仪器协作共用体系, 分析测试体系), one
module per concern; everything is importable from `nesta.instruments.models`."""

from nesta.instruments.models.accounts import PayerAccount
from nesta.instruments.models.booking import (
    Blackout,
    Booking,
    BookingPolicy,
    IdempotencyRecord,
    Qualification,
    UsageSession,
)
from nesta.instruments.models.freeindex import PolicyShape
from nesta.instruments.models.orders import Charge, ServiceItem, TestOrder, _report_path  # noqa: F401 (migration 0003)
from nesta.instruments.models.registry import MONEY, Instrument, InstrumentCategory
from nesta.instruments.models.support import ProblemReport, TrainingRequest, WaitlistEntry

__all__ = [
    "MONEY",
    "Blackout",
    "Booking",
    "BookingPolicy",
    "Charge",
    "IdempotencyRecord",
    "Instrument",
    "InstrumentCategory",
    "PayerAccount",
    "PolicyShape",
    "ProblemReport",
    "Qualification",
    "ServiceItem",
    "TestOrder",
    "TrainingRequest",
    "UsageSession",
    "WaitlistEntry",
]
