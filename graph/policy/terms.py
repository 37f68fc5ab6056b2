"""What a policy's terms mean, said once for the Policy type and the input that creates one.
Amounts are US dollars; pricing is domain/costshare.py and domain/adjudication.py."""

PLAN_TYPE = "Kind of plan: HMO, PPO, EPO, POS or HDHP (high-deductible health plan)."
PLAN_NAME = "The plan's name as offered to the member (e.g. Gold PPO 15)."
COVERAGE_LEVEL = (
    "Who the policy covers: the member alone, with a spouse, with children, or the family."
)
DEDUCTIBLE = (
    "What each person on the policy pays each plan year before the plan shares the cost, in "
    "US dollars (unless the family's deductible is met first)."
)
DEDUCTIBLE_FAMILY = (
    "Deductible for the family as a whole, in US dollars; null when the plan sets none. "
    "Embedded: every person's deductible counts toward it, and once it is met nobody on the "
    "policy pays more deductible that plan year. Not applied to individual coverage."
)
OUT_OF_POCKET_MAX = (
    "The most each person pays in a plan year (deductible, copays and coinsurance), in US "
    "dollars; beyond it the plan pays the whole allowed amount for that person."
)
OUT_OF_POCKET_MAX_FAMILY = (
    "Out-of-pocket maximum for the family as a whole, in US dollars; null when the plan sets "
    "none. Every person's costs count toward it; once it is met the plan pays the whole "
    "allowed amount for everyone on the policy. Not applied to individual coverage."
)
COINSURANCE = (
    "Percent (0 to 100) of the allowed amount the plan pays after the deductible when no "
    "copay applies; the member pays the rest."
)
OUT_OF_NETWORK = (
    "Percent (0 to 100) of the billed amount the plan allows for care priced out of network: "
    "a provider outside the network or its contracts, or a code its fee schedule lacks."
)
_COPAY = "Flat amount in US dollars the member pays, after the deductible and instead of "
_NO_COPAY = "; null: coinsurance applies."
_RX = (
    " It applies to a pharmacy claim's line of that tier (drugTier), capped at the line's "
    "allowed amount, without deductible; null: such a line takes the deductible and "
    "coinsurance."
)
PRIMARY_CARE_COPAY = (
    f"{_COPAY}coinsurance, for an office visit (codes 992xx) with a primary-care provider"
    " (family or internal medicine, pediatrics, general practice)"
    f"{_NO_COPAY}"
)
SPECIALIST_COPAY = (
    f"{_COPAY}coinsurance, for an office visit (codes 992xx) with a specialist{_NO_COPAY}"
)
EMERGENCY_COPAY = (
    f"{_COPAY}coinsurance, for an emergency-room claim (place of service 23){_NO_COPAY}"
)
URGENT_CARE_COPAY = (
    f"{_COPAY}coinsurance, for an urgent-care claim (place of service 20){_NO_COPAY}"
)
RX_GENERIC_COPAY = "Flat amount in US dollars the member pays per generic-drug prescription." + _RX
RX_BRAND_COPAY = "Flat amount in US dollars the member pays per brand-name-drug prescription." + _RX
RX_SPECIALTY_COPAY = (
    "Flat amount in US dollars the member pays per specialty-drug prescription." + _RX
)
EFFECTIVE_DATE = (
    "First day of coverage. Plan years, over which the deductible and out-of-pocket maximum "
    "are counted, start on its anniversary."
)
MONTHLY_PREMIUM = (
    "Premium per month in US dollars; the employer's and the employee's contributions add up to it."
)
EMPLOYER_CONTRIBUTION = (
    "Part of the monthly premium the employer pays, in US dollars; zero for a member without "
    "an employer."
)
EMPLOYEE_CONTRIBUTION = (
    "Part of the monthly premium the member pays, in US dollars: the premium less the "
    "employer's contribution."
)
