# Claims, and what hangs off a claim: appeals and payments.

resource Claim {
    permissions = ["read", "submit", "validate", "assign", "adjudicate", "record_payment", "file_appeal",
                   "correct", "void"];
}

# Whose claim a submission is: a provider's staff always bill as their own organisation,
# whatever providerId the input names (ACCESS.md); plan staff name the provider.
claim_provider(actor: User, _requested, provider) if
    actor.role = "provider" and provider = actor.provider_id;
claim_provider(actor: User, requested, requested) if
    plan_staff(actor) and requested != nil;

# A billing file may bill as the organisation or as one of its practitioners; plan staff
# validate files for any provider.
bills_as(actor: User, provider: Provider) if
    actor.role = "provider" and provider.id = actor.provider_id;
bills_as(actor: User, provider: Provider) if
    actor.role = "provider" and provider.parent_id = actor.provider_id;
bills_as(actor: User, _provider: Provider) if plan_staff(actor);

# Providers submit claims as their own organisation; admins for any provider.
has_permission(actor: User, "submit", claim: Claim) if
    actor.role = "provider" and claim.provider_id = actor.provider_id;
has_permission(actor: User, "submit", _claim: Claim) if actor.role = "admin";

# A dry-run validation: providers for their own organisation, plan staff for anyone.
has_permission(actor: User, "validate", claim: Claim) if
    actor.role = "provider" and claim.provider_id = actor.provider_id;
has_permission(actor: User, "validate", _claim: Claim) if plan_staff(actor);

# A member appeals their own claims (those they may see); a provider its organisation's.
has_permission(actor: User, "file_appeal", claim: Claim) if
    actor.role = "member" and has_permission(actor, "read", claim);
has_permission(actor: User, "file_appeal", claim: Claim) if
    actor.role = "provider" and organisation_claim(actor, claim);

# A claim is corrected (replaced by a corrected claim, X12 frequency code 7) or voided (code
# 8) by whoever bills it: the provider organisation that filed it, for itself or one of its
# practitioners, and admins. Adjudicators decide claims; they do not rewrite a provider's bill.
has_permission(actor: User, "correct", claim: Claim) if
    actor.role = "provider" and organisation_claim(actor, claim);
has_permission(actor: User, "correct", _claim: Claim) if actor.role = "admin";
has_permission(actor: User, "void", claim: Claim) if
    actor.role = "provider" and organisation_claim(actor, claim);
has_permission(actor: User, "void", _claim: Claim) if actor.role = "admin";

# The plan's claims staff assign, adjudicate and pay claims.
has_permission(actor: User, "assign", _claim: Claim) if plan_staff(actor);
has_permission(actor: User, "adjudicate", _claim: Claim) if plan_staff(actor);
has_permission(actor: User, "record_payment", _claim: Claim) if plan_staff(actor);

# A member reads their own claims, including sensitive ones: they are the patient.
has_permission(actor: User, "read", claim: Claim) if
    actor.role = "member" and claim.member_id = actor.member_id and claim.dependent_id = nil;

# A member reads a minor dependent's claims, but never a sensitive one (ACCESS.md).
has_permission(actor: User, "read", claim: Claim) if
    actor.role = "member" and claim.member_id = actor.member_id and
    claim.dependent_id in actor.minor_dependent_ids and claim.is_sensitive = false;

# A member reads an adult dependent's claims only while that dependent's consent is on
# record, and consent never lifts the confidentiality of sensitive claims.
has_permission(actor: User, "read", claim: Claim) if
    actor.role = "member" and claim.member_id = actor.member_id and
    claim.dependent_id in actor.consenting_dependent_ids and claim.is_sensitive = false;

# An adult dependent reads their own claims.
has_permission(actor: User, "read", claim: Claim) if
    actor.role = "dependent" and claim.dependent_id = actor.dependent_id;

# Provider staff read the claims their organisation submitted.
has_permission(actor: User, "read", claim: Claim) if
    actor.role = "provider" and organisation_claim(actor, claim);

# Plan staff read every claim.
has_permission(actor: User, "read", _claim: Claim) if plan_staff(actor);

# A regulator reads, de-identified, the claims of providers in its state; sensitive claims
# (mental health, substance use, reproductive health) reach oversight only inside
# de-identified aggregates, never one by one (ACCESS.md, Sensitive claims).
has_permission(actor: User, "read", claim: Claim) if
    actor.role = "regulator" and claim.provider.state = actor.jurisdiction and
    claim.is_sensitive = false;

resource ClaimLine {
    permissions = ["read"];
}

resource ClaimEvent {
    permissions = ["read"];
}

# A claim's lines and timeline are readable exactly where the claim is.
has_permission(actor: User, "read", line: ClaimLine) if has_permission(actor, "read", line.claim);
has_permission(actor: User, "read", event: ClaimEvent) if
    has_permission(actor, "read", event.claim);

# Employers read no claim one by one: they get claimsSummary only (see employers.polar).


resource Appeal {
    permissions = ["read", "decide", "withdraw", "add_information"];
}

# Adjudicators and admins decide appeals (separation of duties is a domain rule: not the
# claim's own adjudicator).
has_permission(actor: User, "decide", _appeal: Appeal) if plan_staff(actor);

# Whoever filed an appeal may withdraw it.
has_permission(actor: User, "withdraw", appeal: Appeal) if appeal.filed_by = actor.user_id;

# Whoever filed an appeal adds information to it while it is open (records, a letter from
# the doctor); plan staff add what reaches the plan another way (mail, fax, a phone call).
has_permission(actor: User, "add_information", appeal: Appeal) if
    appeal.filed_by = actor.user_id;
has_permission(actor: User, "add_information", _appeal: Appeal) if plan_staff(actor);

# An appeal is visible exactly where its claim is.
has_permission(actor: User, "read", appeal: Appeal) if
    has_permission(actor, "read", appeal.claim);


resource Payment {
    permissions = ["read"];
}

# A claim payment is visible where its claim is; a premium payment where its policy is.
has_permission(actor: User, "read", payment: Payment) if
    has_permission(actor, "read", payment.claim);
has_permission(actor: User, "read", payment: Payment) if
    payment.claim_id = nil and has_permission(actor, "read", payment.policy);
