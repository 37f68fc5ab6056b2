# claimgraph's access contract (../shared/ACCESS.md) as Polar.
#
# The actor is the signed-in user (domain.access.Principal, registered as `User`): one
# role, the ids it is tied to, and facts loaded with it (minor dependents, consents on
# record, open break-glass grants). Every decision in the product comes from here.

actor User {}

# Anyone may do what a has_permission rule grants, and regulators may only read.
allow(actor: User, action: String, resource) if
    has_permission(actor, action, resource) and
    within_role_limits(actor, action);

# Regulators are read-only: every action but "read" is refused, including actions that
# are added later, because this is a rule about the action, not a list of mutations.
within_role_limits(actor: User, _action: String) if not actor.role = "regulator";
within_role_limits(actor: User, "read") if actor.role = "regulator";

# The plan's own claims staff and internal staff.
plan_staff(actor: User) if actor.role = "adjudicator";
plan_staff(actor: User) if actor.role = "admin";

# A claim belongs to a provider organisation when it was submitted by the organisation
# itself or by one of its practitioners (providers.parent_id); staff of a group see what
# each of its practitioners may see.
organisation_claim(actor: User, claim) if claim.provider_id = actor.provider_id;
organisation_claim(actor: User, claim) if claim.provider.parent_id = actor.provider_id;

# Purpose of use (X-Purpose-Of-Use): each role's default and the purposes it may state.
default_purpose("member", "PATIENT_REQUEST");
default_purpose("dependent", "PATIENT_REQUEST");
default_purpose("provider", "TREATMENT");
default_purpose("adjudicator", "PAYMENT");
default_purpose("employer", "OPERATIONS");
default_purpose("regulator", "OVERSIGHT");
default_purpose("auditor", "OPERATIONS");
default_purpose("admin", "OPERATIONS");

allowed_purpose(role: String, purpose: String) if default_purpose(role, purpose);
allowed_purpose("provider", "PAYMENT");
allowed_purpose("provider", "EMERGENCY");
allowed_purpose("adjudicator", "OPERATIONS");
allowed_purpose("adjudicator", "EMERGENCY");
allowed_purpose("admin", "PAYMENT");
allowed_purpose("admin", "EMERGENCY");
allowed_purpose("auditor", "OVERSIGHT");

# Introspection (__schema, __type) maps the whole schema. It is for the roles the
# deployment lists (INTROSPECTION_ROLES: the plan's staff, admin, adjudicator and auditor,
# by default; "*" lets everyone in, as `serve --demo` does for exploring). Everyone else
# reads the published schema.graphql; __typename is no introspection and stays open.
may_introspect(actor: User, roles: List) if actor.role in roles;
may_introspect(_actor: User, roles: List) if "*" in roles;

# Rate limits: which calls of a principal count against which bucket (the per-minute rate
# of each bucket is configuration). Providers look patients up by name and birth date when
# they validate or submit a claim: per provider user, so a stolen provider login cannot
# sweep the member file. The plan's staff are not limited here.
rate_limit(actor: User, "validateClaim", "patient_lookup") if actor.role = "provider";
rate_limit(actor: User, "submitClaim", "patient_lookup") if actor.role = "provider";
rate_limit(actor: User, "eligibility", "patient_lookup") if actor.role = "provider";
# A corrected claim names its patient the way a new claim does.
rate_limit(actor: User, "submitCorrectedClaim", "patient_lookup") if actor.role = "provider";
# A billing file looks its patients up row by row: each claim whose patient is not found
# draws on the same bucket (graph/validation/meter.py), and so does starting the run.
rate_limit(actor: User, "startValidationRun", "patient_lookup") if actor.role = "provider";
