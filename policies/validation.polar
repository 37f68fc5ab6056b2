# Claim validation: the rules (data the plan tunes) and the runs over uploaded billing files.

resource ValidationRule {
    permissions = ["read", "update"];
}

# Admins list the rules and enable, disable or re-threshold them.
has_permission(actor: User, "read", _rule: ValidationRule) if actor.role = "admin";
has_permission(actor: User, "update", _rule: ValidationRule) if actor.role = "admin";


resource ValidationRun {
    permissions = ["read", "start"];
}

# Providers, adjudicators and admins start validation runs over billing files.
has_permission(actor: User, "start", _run: ValidationRun) if actor.role = "provider";
has_permission(actor: User, "start", _run: ValidationRun) if plan_staff(actor);

# Only whoever uploaded the file sees its run, and admins see every run.
has_permission(actor: User, "read", run: ValidationRun) if run.owner_id = actor.user_id;
has_permission(actor: User, "read", _run: ValidationRun) if actor.role = "admin";


resource ValidationResult {
    permissions = ["read"];
}

# A run's findings are visible exactly where the run is.
has_permission(actor: User, "read", result: ValidationResult) if
    has_permission(actor, "read", result.run);
