# Providers with their credentials and contracts, employers, user accounts, audit.

resource Provider {
    permissions = ["read"];
}

# The provider directory is readable by every role with a stake in care; the field rules
# keep tax ids to plan staff and the provider itself.
has_permission(actor: User, "read", _provider: Provider) if
    actor.role in ["member", "dependent", "provider", "adjudicator", "employer", "admin"];

# A regulator reads the providers in its state.
has_permission(actor: User, "read", provider: Provider) if
    actor.role = "regulator" and provider.state = actor.jurisdiction;


resource Credential {
    permissions = ["read"];
}

# Credentials are read by the provider organisation they belong to, plan staff, and the
# regulator of the provider's state.
has_permission(actor: User, "read", credential: Credential) if
    actor.role = "provider" and credential.provider_id = actor.provider_id;
has_permission(actor: User, "read", credential: Credential) if
    actor.role = "provider" and credential.provider.parent_id = actor.provider_id;
has_permission(actor: User, "read", _credential: Credential) if plan_staff(actor);
has_permission(actor: User, "read", credential: Credential) if
    actor.role = "regulator" and credential.provider.state = actor.jurisdiction;


resource Contract {
    permissions = ["read"];
}

# Contracts: the same readers as credentials.
has_permission(actor: User, "read", contract: Contract) if
    actor.role = "provider" and contract.provider_id = actor.provider_id;
has_permission(actor: User, "read", contract: Contract) if
    actor.role = "provider" and contract.provider.parent_id = actor.provider_id;
has_permission(actor: User, "read", _contract: Contract) if plan_staff(actor);
has_permission(actor: User, "read", contract: Contract) if
    actor.role = "regulator" and contract.provider.state = actor.jurisdiction;


resource FeeScheduleItem {
    permissions = ["read"];
}

# A contract's fee schedule is readable exactly where the contract is.
has_permission(actor: User, "read", item: FeeScheduleItem) if
    has_permission(actor, "read", item.contract);


resource Employer {
    permissions = ["read", "read_claims_summary"];
}

# A member sees their own employer (its name only, by the field rules).
has_permission(actor: User, "read", employer: Employer) if
    actor.role = "member" and employer.id = actor.employer_id;

# An employer's administrator reads its own employer.
has_permission(actor: User, "read", employer: Employer) if
    actor.role = "employer" and employer.id = actor.employer_id;

# Plan staff read every employer; a regulator those in its state.
has_permission(actor: User, "read", _employer: Employer) if plan_staff(actor);
has_permission(actor: User, "read", employer: Employer) if
    actor.role = "regulator" and employer.state = actor.jurisdiction;

# Employers see claims only as small-cell-suppressed aggregates of their employees'.
has_permission(actor: User, "read_claims_summary", employer: Employer) if
    actor.role = "employer" and employer.id = actor.employer_id;
has_permission(actor: User, "read_claims_summary", _employer: Employer) if plan_staff(actor);


resource Account {
    permissions = ["read"];
}

# Every user reads their own account; admins read all accounts.
has_permission(actor: User, "read", account: Account) if account.id = actor.user_id;
has_permission(actor: User, "read", _account: Account) if actor.role = "admin";

# The auditor reads accounts, to know who did what in the audit trail and break-glass queue.
has_permission(actor: User, "read", _account: Account) if actor.role = "auditor";


resource BreakGlassGrant {
    permissions = ["read", "close_review"];
}

# The auditor reviews every break-glass opening and closes the review.
has_permission(actor: User, "read", _grant: BreakGlassGrant) if actor.role = "auditor";
has_permission(actor: User, "close_review", _grant: BreakGlassGrant) if actor.role = "auditor";

# Whoever opened a grant sees their own.
has_permission(actor: User, "read", grant: BreakGlassGrant) if grant.user_id = actor.user_id;


resource AuditEntry {
    permissions = ["read", "verify_chain"];
}

# The compliance officer reads the whole audit trail and checks that its chain is intact.
has_permission(actor: User, "read", _entry: AuditEntry) if actor.role = "auditor";
has_permission(actor: User, "verify_chain", _entry: AuditEntry) if actor.role = "auditor";
