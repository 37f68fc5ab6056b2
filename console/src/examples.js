// Example operations, one per kind of user; the first three are the bench's
// (bench/operations.py), kept in step by tests/graph/test_console.py.

const MEMBER_DASHBOARD = `query MemberDashboard {
  me { member { id memberNumber firstName lastName
    policies { id policyNumber planName status deductibleIndividual }
    dependents { id firstName relationship dateOfBirth }
    claims(first: 20, orderBy: {field: SUBMITTED_AT, direction: DESC}) {
      totalCount
      edges { node { id claimNumber status serviceDate billedAmount paidAmount
        provider { id name npi } appeals { id status dueAt } } } } } } }`;

const PAYER_QUEUE = `query PayerQueue {
  claimQueue(first: 50) {
    totalCount
    edges { cursor node { id claimNumber status priority billedAmount serviceDate
      member { id memberNumber firstName lastName }
      provider { id name npi }
      policy { id policyNumber planName status } } } } }`;

const EMPLOYER_ROSTER = `query EmployerRoster {
  me { employer { id companyName
    members(first: 100) { totalCount
      edges { node { id memberNumber firstName lastName status
        policies { id planName coverageLevel status } dependentCount } } } } } }`;

const REGULATOR_REPORT = `# Denials and appeals in the regulator's state: de-identified (people are
# pseudonyms, years of birth only), read-only.
query RegulatorReport {
  denied: claims(first: 50, filter: {status: [DENIED, PARTIALLY_APPROVED]}) {
    totalCount
    edges { node { id claimNumber status claimType serviceDate billedAmount paidAmount
      denialCode denialReason provider { id name npi } } } }
  appeals(first: 50) {
    totalCount
    edges { node { id appealNumber status urgency submissionDate dueAt decisionDate overdue } } } }`;

const ADJUDICATION = `# Run NextClaim and copy its id and version into the variables. A SUBMITTED claim:
# run TakeClaim (it is now under review, assigned to you; version + 1). Then Decide.
query NextClaim {
  claimQueue(first: 1) { edges { node { id version claimNumber status priority
    billedAmount procedureCodes diagnosisCodes } } } }

mutation TakeClaim($claimId: ID!, $version: Int!) {
  assignClaim(claimId: $claimId, version: $version) { __typename
    ... on ClaimAssigned { claim { id version status } }
    ... on IllegalStatusChange { message currentStatus }
    ... on RecordChanged { message currentVersion } } }

mutation Decide($claimId: ID!, $version: Int!) {
  adjudicateClaim(input: {claimId: $claimId, version: $version, decision: APPROVE,
                          notes: "Approved from the staff console"}) { __typename
    ... on ClaimAdjudicated { claim { id status allowedAmount paidAmount memberResponsibility } }
    ... on InvalidInput { message }
    ... on IllegalStatusChange { message currentStatus }
    ... on RecordChanged { message currentVersion } } }`;

const CLAIM_UPDATES = `# Live over the WebSocket: every claim you may see that changes status, as it happens.
# Run it, then adjudicate a claim in another tab (or wait for one); Stop ends it.
subscription ClaimUpdates {
  claimStatusChanged { cursor oldStatus newStatus
    claim { id claimNumber status paidAmount } } }`;

export const EXAMPLES = [
  { id: 'member-dashboard', title: 'Member dashboard', who: 'member@example.com', query: MEMBER_DASHBOARD },
  { id: 'payer-queue', title: 'Payer queue', who: 'adjudicator@example.com', query: PAYER_QUEUE },
  { id: 'employer-roster', title: 'Employer roster', who: 'employer@example.com', query: EMPLOYER_ROSTER },
  { id: 'regulator-report', title: 'Regulator report', who: 'regulator@example.com', query: REGULATOR_REPORT },
  {
    id: 'adjudication', title: 'Adjudication', who: 'adjudicator@example.com', query: ADJUDICATION,
    variables: '{\n  "claimId": "",\n  "version": 1\n}',
  },
  { id: 'claim-updates', title: 'Live claim updates', who: 'adjudicator@example.com', query: CLAIM_UPDATES },
];
