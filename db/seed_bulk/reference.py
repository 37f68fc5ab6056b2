"""The fixed tables the rows are drawn from: places, prices, claim templates, specialties,
outcomes, plans, and the COPY order and numbering of the tables.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from datetime import timedelta


def _spec(names: str, rows: str, *, lists: str = "") -> tuple:
    """Parse a `|`-separated table into namedtuples; `lists` cells are space-separated, - empty."""
    kind = namedtuple("_Row", names)
    listed = {names.split().index(n) for n in lists.split()}

    def cell(i: int, c: str):
        if i in listed:
            return () if c == "-" else tuple(c.split())
        return None if c == "-" else c

    lines = rows.strip().splitlines()
    return tuple(kind(*(cell(i, c) for i, c in enumerate(line.split("|")))) for line in lines)


# State -> cities with their ZIP prefixes; ten states so regulators each see a slice.
_PLACES = {
    "CA": (("Sacramento", "958"), ("San Diego", "921"), ("Fresno", "937")),
    "TX": (("Austin", "787"), ("Houston", "770"), ("Dallas", "752")),
    "NY": (("Albany", "122"), ("Buffalo", "142"), ("Rochester", "146")),
    "FL": (("Tampa", "336"), ("Orlando", "328"), ("Miami", "331")),
    "IL": (("Chicago", "606"), ("Springfield", "627"), ("Peoria", "616")),
    "PA": (("Pittsburgh", "152"), ("Philadelphia", "191"), ("Harrisburg", "171")),
    "OH": (("Columbus", "432"), ("Cleveland", "441"), ("Dayton", "454")),
    "GA": (("Atlanta", "303"), ("Savannah", "314"), ("Macon", "312")),
    "NC": (("Raleigh", "276"), ("Charlotte", "282"), ("Durham", "277")),
    "WA": (("Seattle", "981"), ("Spokane", "992"), ("Tacoma", "984")),
}
STATES = tuple(_PLACES)

# Procedure code -> (contracted fee, billed charge) per unit, in cents.
_PRICES = {
    "99203": (11000, 22000), "99213": (9000, 18000), "99214": (13000, 26000),
    "99393": (11000, 22000), "99394": (12000, 24000), "99395": (12500, 25000),
    "99396": (14000, 28000), "G0438": (17000, 26000), "99283": (14000, 45000),
    "99285": (30000, 120000), "36415": (300, 2000), "85025": (1000, 4500),
    "80053": (1500, 6000), "71046": (3500, 15000), "70553": (40000, 300000),
    "29881": (90000, 650000), "97110": (3000, 8000), "97140": (2800, 7500),
    "J1100": (100, 1500), "J0696": (150, 3000), "90791": (17000, 30000),
    "90834": (10000, 18000), "90837": (14000, 25000), "D0120": (4500, 8000),
    "D1110": (8500, 14000), "D0274": (5500, 9500), "D2740": (110000, 160000),
    "92004": (15000, 26000), "92014": (13000, 22000),
}  # fmt: skip
_PREVENTIVE = ((12, "99393"), (18, "99394"), (40, "99395"), (65, "99396"), (999, "G0438"))
_PER_UNIT = {"97110": (2, 4), "97140": (1, 3), "J1100": (1, 4), "J0696": (1, 2)}

# What a claim is: service | claim type | provider category | places of service | first-line
# codes | add-on codes | ICD-10-CM codes | weight | triage before the amount check | cost share
TEMPLATES = _spec(
    "service claim_type category pos primary addons diagnoses weight triage share",
    """
Office visit|medical|primary|11|99213 99214|36415 85025 80053|I10 E11.9 J06.9 M54.50|30|normal|pcp
New patient visit|medical|primary|11|99203|36415 85025|R10.9 J45.909 E78.5|8|normal|pcp
Preventive visit|medical|primary|11|99395 99396|36415 80053|Z00.00|7|low|preventive
Emergency visit|medical|hospital|23|99283 99285|71046 85025 J1100|R07.9 S93.401A J18.9|6|urgent|er
Imaging|medical|imaging|22 11|71046 70553|-|R07.9 R51.9 R05.9|5|normal|coinsurance
Knee arthroscopy|medical|hospital|22 24|29881|J1100 36415|S83.241A M23.91|1|normal|coinsurance
Physical therapy|medical|therapy|11|97110|97140|M54.50 M25.561|5|normal|specialist
Psychotherapy|mental_health|mental|11 02|90834 90837 90791|-|F32.1 F41.1 F10.20|9|normal|specialist
Dental cleaning|dental|dental|11|D0120 D1110|D0274|Z01.20 K05.10 K02.9|7|low|preventive
Dental crown|dental|dental|11|D2740|-|K02.52|1|normal|coinsurance
Eye exam|vision|vision|11|92014 92004|-|H52.13 H52.4 H52.223|5|low|preventive
Prescription drug|pharmacy|pharmacy|01|J0696 J1100|-|J02.9 J20.9 L03.90|5|normal|coinsurance
""",
    lists="pos primary addons diagnoses",
)
_TEMPLATE_BAG = tuple(tp for tp in TEMPLATES for _ in range(int(tp.weight)))  # choice() is fast
HIGH_BILLED_CENTS = 250000  # triage: above this a claim is `high` unless it is urgent

# Provider category | specialty | provider type | credential letters | weight in the directory
_SPECIALTIES = _spec(
    "category specialty kind letters weight",
    """
primary|Family Medicine|individual|MD|20
primary|Internal Medicine|individual|DO|12
primary|Pediatrics|individual|MD|8
mental|Psychiatry|individual|MD|5
mental|Clinical Psychology|individual|PhD|5
mental|Clinical Social Work|individual|LCSW|5
dental|General Dentistry|individual|DDS|10
vision|Optometry|individual|OD|6
therapy|Physical Therapy|individual|DPT|6
hospital|General Acute Care Hospital|facility|-|4
imaging|Diagnostic Radiology|facility|-|3
pharmacy|Pharmacy|facility|-|5
primary|Multi-Specialty Group|group|-|0
""",
)
SPECIALTY = {s.specialty: s for s in _SPECIALTIES}
_CATEGORY_CODES: dict[str, set[str]] = defaultdict(set)
for _tp in TEMPLATES:
    _CATEGORY_CODES[_tp.category].update(_tp.primary + _tp.addons)
_CATEGORY_CODES["primary"].update(code for _, code in _PREVENTIVE)
_ORG_NAMES = {
    "hospital": "Regional Medical Center", "imaging": "Imaging Center", "pharmacy": "Pharmacy",
    "primary": "Health Partners",
}  # fmt: skip
_AUTHORITY = {
    "medical_license": "{} State Medical Board", "board_certification": "Specialty Board",
    "dea": "Drug Enforcement Administration", "malpractice_insurance": "Liability Carrier",
}  # fmt: skip
_NETWORK = ("in_network", "out_of_network", "pending")
_BLOOD_TYPES = ("O+", "O+", "A+", "A+", "B+", "AB+", "O-", "A-")
_ALLERGIES = (None,) * 17 + ("Penicillin", "Peanuts", "Latex")
_CONDITIONS = (None,) * 14 + ("Hypertension", "Hypertension", "Type 2 diabetes", "Asthma",
                              "Hyperlipidemia")  # fmt: skip
_INDUSTRIES = ("Manufacturing", "Retail", "Technology", "Education", "Logistics", "Hospitality")
_APPEAL_REASONS = (
    "The service was medically necessary; records from the treating provider attached.",
    "Prior authorization was obtained; reference number enclosed.",
    "The claim was coded incorrectly and has been corrected.",
    "The provider was in network on the date of service.",
)
_DECISIONS = {
    "upheld": "The original decision stands under the plan's terms.",
    "overturned": "Documentation supports coverage; the claim is re-adjudicated.",
    "withdrawn": "Withdrawn at the claimant's request.",
}

# Claim adjustment reason codes with our own short labels (X12's texts are licensed).
DENIALS = (
    ("50", "Not medically necessary"), ("96", "Non-covered charge"),
    ("97", "Included in another service already adjudicated"),
    ("197", "Precertification or authorization absent"),
    ("204", "Service not covered under the current benefit plan"),
    ("16", "Claim lacks information needed for adjudication"),
    ("11", "Diagnosis inconsistent with the procedure"), ("18", "Duplicate claim or service"),
)  # fmt: skip

# outcome | final status | adjudication | appeal | weight | minimum age in days | maximum age
OUTCOMES = _spec(
    "name status decision appeal weight min_age max_age",
    """
submitted|submitted|-|-|7|0|21
under_review|under_review|-|-|6|1|30
approved|approved|approved|-|5|4|730
partially_approved|partially_approved|partially_approved|-|4|4|730
denied|denied|denied|-|8|4|170
paid|paid|approved|-|48|6|730
paid_partial|paid|partially_approved|-|6|6|730
appealed|appealed|denied|open|3|20|110
appealed_partial|appealed|partially_approved|open|1|20|110
denied_upheld|denied|denied|upheld|3|60|730
denied_withdrawn|denied|denied|withdrawn|1|60|730
paid_overturned|paid|denied|overturned|1|60|730
""",
)
_OUTCOME_BAG = tuple(o for o in OUTCOMES for _ in range(int(o.weight)))
_URGENCY_BAG = ("post_service",) * 8 + ("pre_service", "urgent")
# Appeal decision deadlines, 29 CFR 2560.503-1(i).
_DUE = {"urgent": timedelta(hours=72), "pre_service": timedelta(days=30),
        "post_service": timedelta(days=60)}  # fmt: skip
_PLANS = {  # level -> deductible, out-of-pocket max, plan share %, copays (pcp, spec, er), premium
    "Bronze": (600000, 920000, 60, (4000, 8000, 50000), 42000),
    "Silver": (250000, 750000, 70, (3000, 6000, 35000), 50000),
    "Gold": (100000, 500000, 80, (2500, 5000, 25000), 59000),
    "Platinum": (25000, 300000, 90, (1500, 3000, 15000), 68000),
}
_PREMIUM_FACTOR = {"individual": 1.0, "individual_spouse": 2.0, "individual_children": 1.8}

# COPY writes parents before children.
_COPY_ORDER = ("employers", "providers", "provider_credentials", "contracts",
               "fee_schedule_items", "members", "dependents", "policies", "claims", "claim_lines",
               "claim_events", "appeals", "payments")  # fmt: skip
_NUMBERS = {  # table -> (column, sequence, prefix)
    "employers": ("group_number", "employer_group_seq", "GRP"),
    "contracts": ("contract_number", "contract_number_seq", "CTR"),
    "members": ("member_number", "member_number_seq", "MBR"),
    "policies": ("policy_number", "policy_number_seq", "POL"),
    "claims": ("claim_number", "claim_number_seq", "CLM"),
    "appeals": ("appeal_number", "appeal_number_seq", "APL"),
    "payments": ("payment_number", "payment_number_seq", "PAY"),
}
_CHUNK = 2000  # families per COPY round: memory stays bounded
