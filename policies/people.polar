# Members (subscribers), their dependents and their policies.

resource Member {
    permissions = [
        "read", "enroll", "add_dependent", "update_contact", "open_break_glass",
        "read_disclosures", "reveal_ssn", "check_eligibility", "suspend", "terminate",
        "reinstate", "correct", "update_profile"
    ];
}

# Asking whether someone is covered (the X12 270 question, answered by member number and
# birth date) is for those who bill or pay care: provider staff, whose every answer about a
# person is audited and who draw on their patient-lookup limit, and plan staff.
has_permission(actor: User, "check_eligibility", _member: Member) if actor.role = "provider";
has_permission(actor: User, "check_eligibility", _member: Member) if plan_staff(actor);

# A member reads their own record.
has_permission(actor: User, "read", member: Member) if
    actor.role = "member" and member.id = actor.member_id;

# Plan staff read every member.
has_permission(actor: User, "read", _member: Member) if plan_staff(actor);

# Provider staff read the members their organisation has claims for (demographics only,
# by the field rules).
has_permission(actor: User, "read", member: Member) if
    actor.role = "provider" and claim in member.claims and organisation_claim(actor, claim);

# An employer's benefits administrator reads its own employees (enrolment fields).
has_permission(actor: User, "read", member: Member) if
    actor.role = "employer" and member.employer_id = actor.employer_id;

# A regulator reads, de-identified, the members whose employer is in its state.
has_permission(actor: User, "read", member: Member) if
    actor.role = "regulator" and member.employer.state = actor.jurisdiction;

# Members change their own contact details; admins and the member's employer enrol.
has_permission(actor: User, "update_contact", member: Member) if
    actor.role = "member" and member.id = actor.member_id;
has_permission(actor: User, "enroll", _member: Member) if actor.role = "admin";
has_permission(actor: User, "enroll", member: Member) if
    actor.role = "employer" and member.employer_id = actor.employer_id;

# Adding a dependent enrols someone into the member's household: whoever may enrol the
# member (admins; the member's employer) may do it.
has_permission(actor: User, "add_dependent", member: Member) if
    has_permission(actor, "enroll", member);

# A whole SSN leaves only through an explicit reveal by an admin, with a written reason
# that is audited; everywhere else it is masked to the last four.
has_permission(actor: User, "reveal_ssn", _member: Member) if actor.role = "admin";

# Suspending, terminating and reinstating a subscriber are enrolment: whoever may enrol the
# member (admins; the member's employer for its own employees).
has_permission(actor: User, "suspend", member: Member) if has_permission(actor, "enroll", member);
has_permission(actor: User, "terminate", member: Member) if
    has_permission(actor, "enroll", member);
has_permission(actor: User, "reinstate", member: Member) if
    has_permission(actor, "enroll", member);

# Correcting a name or a birth date changes who the record says the person is: the plan's
# staff only (admins), with a written reason, the old value kept in the audit trail.
has_permission(actor: User, "correct", _member: Member) if actor.role = "admin";

# Medical fields, language and communication preferences: the member keeps their own;
# admins keep anyone's (what a member tells the plan by phone or on paper).
has_permission(actor: User, "update_profile", member: Member) if
    actor.role = "member" and member.id = actor.member_id;
has_permission(actor: User, "update_profile", _member: Member) if actor.role = "admin";

# Adjudicators and admins may open emergency (break-glass) access to one member.
has_permission(actor: User, "open_break_glass", _member: Member) if plan_staff(actor);

# A member reads the accounting of disclosures of their own PHI.
has_permission(actor: User, "read_disclosures", member: Member) if
    actor.role = "member" and member.id = actor.member_id;


resource Dependent {
    permissions = [
        "read", "grant_consent", "revoke_consent", "update_contact", "read_disclosures",
        "reveal_ssn", "terminate", "correct", "update_profile"
    ];
}

# The subscriber reads the dependents covered through them (adults' medical fields only
# with consent, by the field rules).
has_permission(actor: User, "read", dependent: Dependent) if
    actor.role = "member" and dependent.member_id = actor.member_id;

# An adult dependent with a login reads their own record.
has_permission(actor: User, "read", dependent: Dependent) if
    actor.role = "dependent" and dependent.id = actor.dependent_id;

# Plan staff read every dependent.
has_permission(actor: User, "read", _dependent: Dependent) if plan_staff(actor);

# Provider staff read the dependents their organisation has claims for.
has_permission(actor: User, "read", dependent: Dependent) if
    actor.role = "provider" and claim in dependent.claims and organisation_claim(actor, claim);

# An employer reads the dependents of its employees (enrolment fields).
has_permission(actor: User, "read", dependent: Dependent) if
    actor.role = "employer" and dependent.member.employer_id = actor.employer_id;

# A regulator reads, de-identified, dependents of members in its state.
has_permission(actor: User, "read", dependent: Dependent) if
    actor.role = "regulator" and dependent.member.employer.state = actor.jurisdiction;

# The same explicit, audited reveal for a dependent's SSN.
has_permission(actor: User, "reveal_ssn", _dependent: Dependent) if actor.role = "admin";

# Only the adult dependent grants or revokes the subscriber's access to their records.
has_permission(actor: User, "grant_consent", dependent: Dependent) if
    actor.role = "dependent" and dependent.id = actor.dependent_id;
has_permission(actor: User, "revoke_consent", dependent: Dependent) if
    actor.role = "dependent" and dependent.id = actor.dependent_id;
# An adult dependent with a login keeps their own email and phone up to date.
has_permission(actor: User, "update_contact", dependent: Dependent) if
    actor.role = "dependent" and dependent.id = actor.dependent_id;
has_permission(actor: User, "read_disclosures", dependent: Dependent) if
    actor.role = "dependent" and dependent.id = actor.dependent_id;

# The same corrections of a dependent's name or birth date: admins, with a reason.
has_permission(actor: User, "correct", _dependent: Dependent) if actor.role = "admin";

# An adult dependent with a login keeps their own medical fields, language and
# communication preferences; admins keep anyone's.
has_permission(actor: User, "update_profile", dependent: Dependent) if
    actor.role = "dependent" and dependent.id = actor.dependent_id;
has_permission(actor: User, "update_profile", _dependent: Dependent) if actor.role = "admin";

# Ending a dependent's coverage is enrolment too: whoever may enrol the subscriber (admins;
# the subscriber's employer).
has_permission(actor: User, "terminate", dependent: Dependent) if
    has_permission(actor, "enroll", dependent.member);


resource Policy {
    permissions = ["read", "create", "terminate", "update", "renew"];
}

# Giving a member a policy and ending it are enrolment: admins, and the member's employer
# for its own employees.
has_permission(actor: User, "create", policy: Policy) if
    has_permission(actor, "enroll", policy.member);
has_permission(actor: User, "terminate", policy: Policy) if
    has_permission(actor, "enroll", policy.member);
# Changing a policy's mid-year terms (copays, premium and its split) and renewing it into a
# new plan year are the same enrolment work: admins, and the employer for its own employees.
has_permission(actor: User, "update", policy: Policy) if
    has_permission(actor, "enroll", policy.member);
has_permission(actor: User, "renew", policy: Policy) if
    has_permission(actor, "enroll", policy.member);

# A member reads their own policies; an adult dependent the coverage they are under.
has_permission(actor: User, "read", policy: Policy) if
    actor.role = "member" and policy.member_id = actor.member_id;
has_permission(actor: User, "read", policy: Policy) if
    actor.role = "dependent" and policy.member_id = actor.subscriber_id;

# Plan staff read every policy.
has_permission(actor: User, "read", _policy: Policy) if plan_staff(actor);

# An employer reads its employees' policies (plan, level, status, premium, contributions).
has_permission(actor: User, "read", policy: Policy) if
    actor.role = "employer" and policy.member.employer_id = actor.employer_id;

# A regulator reads policies of members in its state.
has_permission(actor: User, "read", policy: Policy) if
    actor.role = "regulator" and policy.member.employer.state = actor.jurisdiction;
