"""Wire models: the typed data that crosses a boundary (JSON in and out).

UK value types (:data:`Postcode`, :data:`UKPhoneNumber`, :data:`EmailAddress`,
:data:`GSSCode`, :data:`DfENumber`, :data:`Timestamp`) can be used on their own in your
own pydantic models. Fields holding personal data are masked in ``repr`` and marked
``"x-personal-data": true`` in the JSON Schemas.
"""

from ._authority import (
    Cluster,
    ContactChannels,
    DutyContact,
    FormerCode,
    LocalAuthority,
    LocalAuthorityOffer,
)
from ._base import PERSONAL_DATA_KEY, Personal, WireModel
from ._codes import DfENumber, GSSCode, Identifier
from ._consent import ConsentMeans, ConsentPurpose, ConsentRecord, LawfulBasis
from ._datetime import IsoDate, Timestamp, london_date, to_london
from ._email import EmailAddress, normalise_email
from ._enquiry import Channel, Enquiry, FosteringInterest
from ._handover import (
    SCHEMA_VERSION,
    SUPPORTED_SCHEMA_VERSIONS,
    AllocationRecord,
    Handover,
    InitialVisitOutcome,
)
from ._journey import (
    MILESTONES,
    PAUSES,
    TERMINAL,
    Journey,
    JourneyEvent,
    Stage,
    WithdrawalReason,
    can_follow,
)
from ._journey_table import (
    JOURNEY_COLUMNS,
    STAGE_COLUMNS,
    JourneyRow,
    JourneyTableError,
    check_journey_header,
    iter_journey_table,
    journeys_to_csv,
    read_journey_table,
    write_journey_table,
)
from ._people import Address, Applicant, ContactMethod, HouseholdMember, Relationship
from ._phone import UKPhoneNumber, normalise_uk_phone
from ._postcode import Postcode, normalise_postcode, postcode_district, postcode_sector
from ._reference import NORTH_EAST, AuthorityRegistry
from ._schemas import json_schema, model_for, schema_names

__all__ = [
    "JOURNEY_COLUMNS",
    "MILESTONES",
    "NORTH_EAST",
    "PAUSES",
    "PERSONAL_DATA_KEY",
    "SCHEMA_VERSION",
    "STAGE_COLUMNS",
    "SUPPORTED_SCHEMA_VERSIONS",
    "TERMINAL",
    "Address",
    "AllocationRecord",
    "Applicant",
    "AuthorityRegistry",
    "Channel",
    "Cluster",
    "ConsentMeans",
    "ConsentPurpose",
    "ConsentRecord",
    "ContactChannels",
    "ContactMethod",
    "DfENumber",
    "DutyContact",
    "EmailAddress",
    "Enquiry",
    "FormerCode",
    "FosteringInterest",
    "GSSCode",
    "Handover",
    "HouseholdMember",
    "Identifier",
    "InitialVisitOutcome",
    "IsoDate",
    "Journey",
    "JourneyEvent",
    "JourneyRow",
    "JourneyTableError",
    "LawfulBasis",
    "LocalAuthority",
    "LocalAuthorityOffer",
    "Personal",
    "Postcode",
    "Relationship",
    "Stage",
    "Timestamp",
    "UKPhoneNumber",
    "WireModel",
    "WithdrawalReason",
    "can_follow",
    "check_journey_header",
    "iter_journey_table",
    "journeys_to_csv",
    "json_schema",
    "london_date",
    "model_for",
    "normalise_email",
    "normalise_postcode",
    "normalise_uk_phone",
    "postcode_district",
    "postcode_sector",
    "read_journey_table",
    "schema_names",
    "to_london",
    "write_journey_table",
]
