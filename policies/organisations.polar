# Providers with their credentials and contracts, employers, user accounts, audit.

# The plan's internal staff keep the directory and the accounts: ACCESS.md gives the writes
# of providers, credentials, contracts, employers and users to admins alone. (Regulators
# never write: base.polar's within_role_limits refuses them whatever is granted here.)
records_admin(actor: User) if actor.role = "admin";

resource Provider {
    permissions = ["read", "create", "update"];
}

# Admins add providers to the directory and change them (network status, specialty, group).
has_permission(actor: User, "create", _provider: Provider) if records_admin(actor);
has_permission(actor: User, "update", _provider: Provider) if records_admin(actor);

# The provider directory is readable by every role with a stake in care; the field rules
# keep tax ids to plan staff and the provider itself.
has_permission(actor: User, "read", _provider: Provider) if
    actor.role in ["member", "dependent", "provider", "adjudicator", "employer", "admin"];

# A regulator reads the providers in its state.
has_permission(actor: User, "read", provider: Provider) if
    actor.role = "regulator" and provider.state = actor.jurisdiction;


resource Credential {
    permissions = ["read", "create", "update"];
}

# Admins put a provider's credentials on file and move them through verification; a
# provider cannot vouch for its own licences.
has_permission(actor: User, "create", _credential: Credential) if records_admin(actor);
has_permission(actor: User, "update", _credential: Credential) if records_admin(actor);

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
    permissions = ["read", "create", "terminate"];
}

# Admins sign network contracts with their fee schedules and terminate them; adjudicators
# price claims by them but never change them.
has_permission(actor: User, "create", _contract: Contract) if records_admin(actor);
has_permission(actor: User, "terminate", _contract: Contract) if records_admin(actor);

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
    permissions = ["read", "read_claims_summary", "follow_enrollment", "create", "update"];
}

# Admins sign up employer groups and keep their details; an employer's own administrator
# does not edit its group record.
has_permission(actor: User, "create", _employer: Employer) if records_admin(actor);
has_permission(actor: User, "update", _employer: Employer) if records_admin(actor);

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

# An employer's portal follows its own employees' enrolment live; admins any employer's.
has_permission(actor: User, "follow_enrollment", employer: Employer) if
    actor.role = "employer" and employer.id = actor.employer_id;
has_permission(actor: User, "follow_enrollment", _employer: Employer) if actor.role = "admin";


resource Account {
    permissions = ["read", "create", "deactivate", "change_role"];
}

# Admins open accounts, close them and change their roles (never their own: domain/accounts.py).
has_permission(actor: User, "create", _account: Account) if records_admin(actor);
has_permission(actor: User, "deactivate", _account: Account) if records_admin(actor);
has_permission(actor: User, "change_role", _account: Account) if records_admin(actor);

# Every user reads their own account; admins read all accounts.
has_permission(actor: User, "read", account: Account) if account.id = actor.user_id;
has_permission(actor: User, "read", _account: Account) if actor.role = "admin";

# The auditor reads accounts, to know who did what in the audit trail and break-glass queue.
has_permission(actor: User, "read", _account: Account) if actor.role = "auditor";

# Who did what on a claim (submittedBy, processedBy, assignedTo, Appeal.reviewedBy,
# ClaimEvent.actor): everyone who reads claims reads the accounts of those who act on them,
# plan staff and provider staff, so that a timeline can say "a claims adjudicator decided".
# Which person it was is a field rule (fields.polar, account_name): members, providers of
# other organisations and regulators get the role, not the name.
claim_actor_role("provider");
claim_actor_role("adjudicator");
claim_actor_role("admin");
has_permission(actor: User, "read", account: Account) if
    actor.role in ["member", "dependent", "provider", "adjudicator", "regulator"] and
    claim_actor_role(account.role);

# Adjudicators also read the logins of members and dependents who filed or withdrew an
# appeal (by role only: their names and addresses are the member record's, read there).
has_permission(actor: User, "read", account: Account) if
    actor.role = "adjudicator" and account.role in ["member", "dependent"];


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
