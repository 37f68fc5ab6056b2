# Reference code sets: ICD-10-CM diagnoses, the HCPCS procedure subset, CMS places of
# service. Public material with no PHI in it, which every claim form and picker needs: every
# signed-in user may read it, whatever the role (regulators included: a read). Reads are
# not audited, as there is nothing of a person in them.

resource ReferenceData {
    permissions = ["read"];
}

# Everyone signed in reads the code sets.
has_permission(_actor: User, "read", _data: ReferenceData);
