# Field access: which fields of a readable record a principal sees, and how.
#
# Every field belongs to a class (public, business, phi, restricted) and, within it, a
# group (name, contact, medical, ...), declared once next to its GraphQL type. A rule
# below says what a role sees of a group on a kind of record:
#   "visible"           the value;
#   "mask:<how>"        a masked value: last4, year (birth year, 90+ as 90), zip3,
#                       remove (absent, for de-identification), pseudonym (keyed, stable);
#   (no rule)           hidden: null with a FORBIDDEN error at that path.
# The view `v` carries the record's type and the facts that matter (an adult dependent,
# consent on record, break-glass for the record's member, the principal's organisation).
# When several rules match, the most permissive wins.

# --- searching: filters and orderings ------------------------------------------------

# Narrowing or ordering a list on a field is reading it (a count answers "is there one
# with this SSN?"): a principal may search on a field group it reads whole, or whose value
# it hands in itself (an SSN it holds, seen as the last four; a pseudonym it was given).
# A removed, year-only or 3-digit value may not be searched on: that would undo the mask.
may_search(actor: User, v: FieldView, group) if field_access(actor, v, group, "visible");
may_search(actor: User, v: FieldView, group) if field_access(actor, v, group, "mask:last4");
may_search(actor: User, v: FieldView, group) if
    field_access(actor, v, group, "mask:pseudonym");

# --- directory and operational data ---------------------------------------------------

# Public fields (provider directory data, an employer's name) go to whoever reads the row.
field_access(_actor: User, _v: FieldView, "public", "visible");

# A record's id is shown as it is, except that regulators get stable keyed pseudonyms for
# every record tied to a person (Safe Harbor: no record identifiers). Organisations
# (providers, their credentials and contracts, employers) keep their real ids. Fail closed:
# a type added later is pseudonymous to regulators until it is named here.
organisation_record(v: FieldView) if
    v.type in ["Provider", "Credential", "Contract", "Employer", "ValidationRule"];

field_access(actor: User, _v: FieldView, "identity", "visible") if
    not actor.role = "regulator";
field_access(actor: User, v: FieldView, "identity", "visible") if
    actor.role = "regulator" and organisation_record(v);
field_access(actor: User, v: FieldView, "identity", "mask:pseudonym") if
    actor.role = "regulator" and not organisation_record(v);

# Business fields go to whoever reads the row, except that a member sees only the name of
# their employer.
field_access(actor: User, v: FieldView, "business", "visible") if
    not (actor.role = "member" and v.type = "Employer");

# Record numbers (claim, policy, appeal, payment numbers), dates tied to a person (service,
# submission, receipt, payment, creation) and free text (notes, narratives, descriptions,
# which may name anyone) go to whoever reads the row, except regulators, who get none of
# them: Safe Harbor (45 CFR 164.514(b)(2)) removes them all.
deidentified_group("record_number");
deidentified_group("record_date");
deidentified_group("narrative");

field_access(actor: User, _v: FieldView, group, "visible") if
    deidentified_group(group) and not actor.role = "regulator";
field_access(actor: User, _v: FieldView, group, "mask:remove") if
    deidentified_group(group) and actor.role = "regulator";

# --- employers ------------------------------------------------------------------------

# An employer's name goes to whoever reads the row (a member sees their employer's name),
# its contacts, street, group number and ZIP to whoever reads its business fields. Safe
# Harbor counts an individual's employer among the identifiers to remove: regulators get
# none of them, and the ZIP to 3 digits.
field_access(actor: User, v: FieldView, "employer_name", "visible") if
    v.type = "Employer" and not actor.role = "regulator";
field_access(actor: User, v: FieldView, group, "visible") if
    v.type = "Employer" and group in ["employer_identifier", "employer_zip"] and
    not actor.role = "member" and not actor.role = "regulator";
field_access(actor: User, v: FieldView, group, "mask:remove") if
    actor.role = "regulator" and v.type = "Employer" and
    group in ["employer_name", "employer_identifier"];
field_access(actor: User, v: FieldView, "employer_zip", "mask:zip3") if
    actor.role = "regulator" and v.type = "Employer";

# --- people: members and dependents ---------------------------------------------------

person(v: FieldView) if v.type = "Member";
person(v: FieldView) if v.type = "Dependent";

personal_group("name");
personal_group("birth_date");
personal_group("demographic");
personal_group("contact");
personal_group("zip");
personal_group("geo");
personal_group("identifier");
personal_group("enrolment");
personal_group("enrolment_date");
personal_group("medical");

# A member sees all of their own record; a dependent all of theirs. SSNs to the last four.
field_access(actor: User, v: FieldView, group, "visible") if
    actor.role = "member" and v.type = "Member" and personal_group(group);
field_access(actor: User, v: FieldView, group, "visible") if
    actor.role = "dependent" and v.type = "Dependent" and personal_group(group);
field_access(actor: User, v: FieldView, "ssn", "mask:last4") if
    actor.role = "member" and v.type = "Member";
field_access(actor: User, v: FieldView, "ssn", "mask:last4") if
    actor.role = "dependent" and v.type = "Dependent";

# The subscriber sees everything of a minor dependent, and of an adult dependent who has
# consented; of an adult without consent, demographics and enrolment only.
field_access(actor: User, v: FieldView, group, "visible") if
    actor.role = "member" and v.type = "Dependent" and personal_group(group) and
    (v.adult = false or v.consented = true);
field_access(actor: User, v: FieldView, "ssn", "mask:last4") if
    actor.role = "member" and v.type = "Dependent" and (v.adult = false or v.consented = true);
field_access(actor: User, v: FieldView, group, "visible") if
    actor.role = "member" and v.type = "Dependent" and
    group in ["name", "birth_date", "demographic", "enrolment", "enrolment_date", "identifier"];

# Adjudicators see all but medical fields, unless break-glass is open for that member.
field_access(actor: User, v: FieldView, group, "visible") if
    actor.role = "adjudicator" and person(v) and personal_group(group) and
    not group = "medical";
field_access(actor: User, v: FieldView, "medical", "visible") if
    actor.role = "adjudicator" and person(v) and v.break_glass = true;
field_access(actor: User, v: FieldView, "ssn", "mask:last4") if
    actor.role = "adjudicator" and person(v);

# Admins see everything; SSNs masked (a whole SSN needs an explicit, audited reveal).
field_access(actor: User, v: FieldView, group, "visible") if
    actor.role = "admin" and person(v) and personal_group(group);
field_access(actor: User, v: FieldView, "ssn", "mask:last4") if
    actor.role = "admin" and person(v);

# Provider staff see demographics of the people they have claims for: enough to bill.
field_access(actor: User, v: FieldView, group, "visible") if
    actor.role = "provider" and person(v) and
    group in ["name", "birth_date", "demographic", "identifier", "enrolment", "enrolment_date",
              "zip", "geo"];

# An employer sees its employees' enrolment: who, under which number, enrolled when.
field_access(actor: User, v: FieldView, group, "visible") if
    actor.role = "employer" and person(v) and
    group in ["name", "identifier", "enrolment", "enrolment_date"];

# Regulators see de-identified records (HIPAA Safe Harbor): no names, contact, SSN or
# numbers; birth year only (90+ as 90); ZIP to 3 digits; pseudonyms instead of ids.
field_access(actor: User, v: FieldView, group, "visible") if
    actor.role = "regulator" and person(v) and group in ["demographic", "enrolment", "geo"];
field_access(actor: User, v: FieldView, group, "mask:remove") if
    actor.role = "regulator" and person(v) and
    group in ["name", "contact", "identifier", "ssn", "enrolment_date"];
field_access(actor: User, v: FieldView, "birth_date", "mask:year") if
    actor.role = "regulator" and person(v);
field_access(actor: User, v: FieldView, "zip", "mask:zip3") if
    actor.role = "regulator" and person(v);

# --- accumulators: what a person and a family have met this plan year -------------------

# A person's deductible and out-of-pocket amounts tell what their care cost them: the
# person sees their own, the subscriber a minor's and a consenting adult dependent's (as
# with medical fields), plan staff all. Providers, employers and regulators see none:
# providers ask `eligibility`, which answers for the visit at hand.
field_access(actor: User, v: FieldView, "accumulators", "visible") if
    actor.role = "member" and v.type = "Member";
field_access(actor: User, v: FieldView, "accumulators", "visible") if
    actor.role = "member" and v.type = "Dependent" and (v.adult = false or v.consented = true);
field_access(actor: User, v: FieldView, "accumulators", "visible") if
    actor.role = "dependent" and v.type = "Dependent";
field_access(actor: User, v: FieldView, "accumulators", "visible") if
    plan_staff(actor) and v.type in ["Member", "Dependent", "FamilyAccumulators"];

# The family's totals are the sum of everyone's on the policy: a total less the parts one
# reads is the parts one does not (a subscriber's total less her own is her adult son's,
# withheld without his consent; an adult dependent's total less his own is the
# subscriber's). So a total goes to whoever reads every part of it: the view's `whole` says
# that every person on the policy is a row the principal reads with its amounts visible
# (graph/policy/accumulators.py). Plan staff read every part.
field_access(actor: User, v: FieldView, "accumulators", "visible") if
    actor.role in ["member", "dependent"] and v.type = "FamilyAccumulators" and
    v.whole = true;

# --- claims and appeals ---------------------------------------------------------------

# Clinical content (diagnosis and procedure codes, documents) goes to whoever reads the
# claim: the row rules already keep it to the patient's side, the provider, plan staff
# and (de-identified) the regulator.
field_access(_actor: User, v: FieldView, "clinical", "visible") if
    v.type in ["Claim", "ClaimLine", "Appeal"];

# The adjudicator's notes on a decision are the plan's working notes: plan staff only. The
# claim's own notes stay the provider's, read by whoever reads the claim (narrative).
field_access(actor: User, v: FieldView, "adjudicator_notes", "visible") if
    plan_staff(actor) and v.type = "Claim";


# --- user accounts: who did what ------------------------------------------------------

# An account's role (and its title in words) goes to whoever reads the row: a member's
# timeline says that a claims adjudicator decided, never who (business, above). The person
# behind an account (its email and display name) goes to the account's owner; to admins and
# the auditor, who read every account; to adjudicators for plan and provider staff, not for
# a member's or dependent's login (that is the person's contact, read and audited on their
# record); and to provider staff for their own organisation's accounts (a colleague who
# submitted). Members, other organisations' staff and regulators never learn which of the
# plan's staff acted: staff identity is business data, but no one outside needs the name.
field_access(_actor: User, v: FieldView, "account_name", "visible") if
    v.type = "User" and v.own_account = true;
field_access(actor: User, v: FieldView, "account_name", "visible") if
    v.type = "User" and actor.role in ["admin", "auditor"];
field_access(actor: User, v: FieldView, "account_name", "visible") if
    v.type = "User" and actor.role = "adjudicator" and v.person_account = false;
field_access(actor: User, v: FieldView, "account_name", "visible") if
    v.type = "User" and actor.role = "provider" and v.own_organisation = true;

# How an account is set up (its status, MFA, a regulator's state) is its owner's business
# and the account keepers': the owner, admins and the auditor.
field_access(_actor: User, v: FieldView, "account", "visible") if
    v.type = "User" and v.own_account = true;
field_access(actor: User, v: FieldView, "account", "visible") if
    v.type = "User" and actor.role in ["admin", "auditor"];


# --- restricted: tax ids ----------------------------------------------------------------

# Plan staff see tax ids to the last four; a provider or employer its own the same way.
field_access(actor: User, v: FieldView, "tax_id", "mask:last4") if
    plan_staff(actor) and v.type in ["Provider", "Employer"];
field_access(actor: User, v: FieldView, "tax_id", "mask:last4") if
    actor.role = "provider" and v.type = "Provider" and v.own_organisation = true;
field_access(actor: User, v: FieldView, "tax_id", "mask:last4") if
    actor.role = "employer" and v.type = "Employer";
