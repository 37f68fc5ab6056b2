"""The operations the bench sends, each as the persona a real client would be."""

MEMBER_DASHBOARD = """query MemberDashboard {
  me { member { id memberNumber firstName lastName
    policies { id policyNumber planName status deductibleIndividual }
    dependents { id firstName relationship dateOfBirth }
    claims(first: 20, orderBy: {field: SUBMITTED_AT, direction: DESC}) {
      totalCount
      edges { node { id claimNumber status serviceDate billedAmount paidAmount
        provider { id name npi } appeals { id status dueAt } } } } } } }"""

PAYER_QUEUE = """query PayerQueue {
  claimQueue(first: 50) {
    totalCount
    edges { cursor node { id claimNumber status priority billedAmount serviceDate
      member { id memberNumber firstName lastName }
      provider { id name npi }
      policy { id policyNumber planName status } } } } }"""

EMPLOYER_ROSTER = """query EmployerRoster {
  me { employer { id companyName
    members(first: 100) { totalCount
      edges { node { id memberNumber firstName lastName status
        policies { id planName coverageLevel status } dependentCount } } } } } }"""

OPERATIONS = {
    "member-dashboard": (MEMBER_DASHBOARD, "member@example.com"),
    "payer-queue": (PAYER_QUEUE, "adjudicator@example.com"),
    "employer-roster": (EMPLOYER_ROSTER, "employer@example.com"),
}

# --- writes: each request a different body, prepared before the clock starts -----------------

SUBMIT_CLAIM = """mutation SubmitClaim($input: SubmitClaimInput!) {
  submitClaim(input: $input) { __typename
    ... on ClaimSubmitted { claim { id claimNumber status priority } }
    ... on ClaimRefused { findings { rule } } } }"""

ADJUDICATE_CLAIM = """mutation AdjudicateClaim($input: AdjudicateClaimInput!) {
  adjudicateClaim(input: $input) { __typename
    ... on ClaimAdjudicated { claim { id status allowedAmount paidAmount memberResponsibility } }
  } }"""

PATIENTS = """query Patients($after: String) {
  members(first: 100, after: $after, filter: {status: [ACTIVE]}) {
    pageInfo { endCursor hasNextPage }
    edges { node { memberNumber dateOfBirth policies { status effectiveDate } } } } }"""

OPEN_CLAIMS = """query OpenClaims($after: String) {
  claims(first: 100, after: $after, filter: {status: [SUBMITTED]}) {
    pageInfo { endCursor hasNextPage } edges { node { id version } } } }"""

# office, labs and imaging codes a biller sends; two distinct per claim keep claims apart
PROCEDURES = ("99212", "99213", "99214", "99215", "80053", "85025", "36415", "81003",
              "71046", "93000", "87880", "90471", "96372", "97110", "99395", "G0439")  # fmt: skip

WRITES = {
    "submit-claim": (SUBMIT_CLAIM, "provider@example.com", "ClaimSubmitted"),
    "adjudicate-claim": (ADJUDICATE_CLAIM, "adjudicator@example.com", "ClaimAdjudicated"),
}
