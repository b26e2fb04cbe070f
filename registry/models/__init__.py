"""Tables only. Models never commit; services own transactions.

Each area keeps its tables in its own module here; importing this package
registers them all with the metadata Alembic compares against.
"""
from registry.models.accounts import (AccountLink, ApiToken, EnrolmentRequest,  # noqa: F401
                                      LoginFailure, LoginThrottle, User,
                                      user_counties, user_enterprises)
from registry.models.audit import AuditEntry  # noqa: F401
from registry.models.jurisdiction import County  # noqa: F401
from registry.models.plans import (Enterprise, FilingSerial, Plan, PlanChange,  # noqa: F401
                                   PlanDocument, PlanDocumentFile)
from registry.models.agreements import (Agreement, AgreementContact, AgreementMeeting,  # noqa: F401
                                        AgreementParty, AgreementSection)
from registry.models.drills import CorrectiveAction, Drill, DrillAttachment  # noqa: F401
from registry.models.reminders import Lease, Reminder, ReminderPreference  # noqa: F401
from registry.models.data_version import data_version  # noqa: F401
from registry.models.submissions import Submission, SubmissionDocument  # noqa: F401
from registry.models.substances import (  # noqa: F401
    ControlItem, RiskInventory, RiskInventoryItem, RiskInventoryVersion, Substance)
from registry.models.incidents import (DutyShift, EmergencyResource, Incident,  # noqa: F401
                                       IncidentEvent, IncidentNotification)
from registry.models.jobs import JobRun  # noqa: F401
