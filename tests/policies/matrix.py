"""ACCESS.md as data: what each persona may see, row by row and field by field.

Rows: for each persona and each list, the name of the rule that says which rows it sees.
Each rule is a hand-written SQL query in `test_persona_rows.py`, independent of the
policy, so the test compares the contract with the product, not the product with itself.

Fields: for each persona and record type, what a field must come back as:
  "value"    the stored value;
  "masked"   a masked value (SSN and tax ids: last four);
  "removed"  null without an error (regulator de-identification);
  "hidden"   null with a FORBIDDEN error at that path.
"""

LISTS = (
    "members",
    "dependents",
    "policies",
    "claims",
    "appeals",
    "payments",
    "providers",
    "credentials",
    "contracts",
    "employers",
)

_STAFF = dict.fromkeys(LISTS, "all")
_NOTHING = dict.fromkeys(LISTS, "none")

ROWS: dict[str, dict[str, str]] = {
    "admin@example.com": _STAFF,
    "adjudicator@example.com": _STAFF,
    "adjudicator2@example.com": _STAFF,
    "auditor@example.com": _NOTHING,
    "member@example.com": {
        "members": "self",
        "dependents": "family",
        "policies": "own_policies",
        "claims": "subscriber_claims",
        "appeals": "appeals_on_visible_claims",
        "payments": "payments_on_visible_claims_or_policies",
        "providers": "all",
        "credentials": "none",
        "contracts": "none",
        "employers": "own_employer",
    },
    "adult.child@example.com": {
        "members": "none",
        "dependents": "self_dependent",
        "policies": "subscriber_policies",
        "claims": "dependent_claims",
        "appeals": "appeals_on_visible_claims",
        "payments": "payments_on_visible_claims_or_policies",
        "providers": "all",
        "credentials": "none",
        "contracts": "none",
        "employers": "none",
    },
    "provider@example.com": {
        "members": "patients",
        "dependents": "patient_dependents",
        "policies": "none",
        "claims": "organisation_claims",
        "appeals": "appeals_on_visible_claims",
        "payments": "payments_on_visible_claims_or_policies",
        "providers": "all",
        "credentials": "organisation_records",
        "contracts": "organisation_records",
        "employers": "none",
    },
    "employer@example.com": {
        "members": "employees",
        "dependents": "employee_dependents",
        "policies": "employee_policies",
        "claims": "none",
        "appeals": "none",
        "payments": "payments_on_visible_claims_or_policies",
        "providers": "all",
        "credentials": "none",
        "contracts": "none",
        "employers": "own_employer",
    },
    "regulator@example.com": {
        "members": "members_in_state",
        "dependents": "dependents_in_state",
        "policies": "policies_in_state",
        "claims": "claims_in_state",
        "appeals": "appeals_on_visible_claims",
        "payments": "payments_on_visible_claims_or_policies",
        "providers": "providers_in_state",
        "credentials": "provider_records_in_state",
        "contracts": "provider_records_in_state",
        "employers": "employers_in_state",
    },
}

# Fields of the family's subscriber (Member) as each persona gets them.
MEMBER_FIELDS: dict[str, dict[str, str]] = {
    "member@example.com": {
        "firstName": "value", "dateOfBirth": "value", "phone": "value",
        "allergies": "value", "ssn": "masked", "memberNumber": "value", "zipCode": "value",
    },
    "admin@example.com": {
        "firstName": "value", "dateOfBirth": "value", "phone": "value",
        "allergies": "value", "ssn": "masked", "memberNumber": "value", "zipCode": "value",
    },
    "adjudicator@example.com": {
        "firstName": "value", "dateOfBirth": "value", "phone": "value",
        "allergies": "hidden", "ssn": "masked", "memberNumber": "value", "zipCode": "value",
    },
    "provider@example.com": {
        "firstName": "value", "dateOfBirth": "value", "phone": "hidden",
        "allergies": "hidden", "ssn": "hidden", "memberNumber": "value", "zipCode": "value",
    },
    "employer@example.com": {
        "firstName": "value", "dateOfBirth": "hidden", "phone": "hidden",
        "allergies": "hidden", "ssn": "hidden", "memberNumber": "value", "status": "value",
    },
    "regulator@example.com": {
        "firstName": "removed", "lastName": "removed", "dateOfBirth": "removed",
        "phone": "removed", "ssn": "removed", "memberNumber": "removed",
        # ZIP to 3 digits: a value here, its shape checked in test_field_rules
        "allergies": "hidden", "zipCode": "value", "birthYear": "value", "status": "value",
    },
}  # fmt: skip

# Fields of the adult dependent (Lucas, 20) as the subscriber gets them, without consent.
ADULT_DEPENDENT_FIELDS_WITHOUT_CONSENT = {
    "firstName": "value", "dateOfBirth": "value", "relationship": "value",
    "phone": "hidden", "allergies": "hidden", "ssn": "hidden",
}  # fmt: skip
ADULT_DEPENDENT_FIELDS_WITH_CONSENT = {
    "firstName": "value", "dateOfBirth": "value", "relationship": "value",
    "phone": "value", "allergies": "value", "ssn": "masked",
}  # fmt: skip

# Tax ids of the provider group.
PROVIDER_TAX_ID: dict[str, str] = {
    "admin@example.com": "masked",
    "adjudicator@example.com": "masked",
    "provider@example.com": "masked",
    "member@example.com": "hidden",
    "employer@example.com": "hidden",
    "regulator@example.com": "hidden",
}

# Who acted on a claim (Claim.submittedBy, processedBy, ...; ACCESS.md "who acted on a claim
# or appeal"): of a claim the provider persona's organisation submitted and the adjudicator
# persona decided, whether each persona learns the person ("value": email and display name)
# or only the role ("hidden": role and roleTitle; email and displayName null with FORBIDDEN).
ACTORS: dict[str, dict[str, str]] = {
    "admin@example.com": {"submittedBy": "value", "processedBy": "value"},
    "adjudicator2@example.com": {"submittedBy": "value", "processedBy": "value"},
    "member@example.com": {"submittedBy": "hidden", "processedBy": "hidden"},
    "provider@example.com": {"submittedBy": "value", "processedBy": "hidden"},
    "regulator@example.com": {"submittedBy": "hidden", "processedBy": "hidden"},
}
