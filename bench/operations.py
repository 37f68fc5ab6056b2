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
