"""What the values of the payment enums mean for the plan."""

from domain.enum_meanings.base import Meanings
from domain.enums import PayeeType, PayerType, PaymentMethod, PaymentStatus, PaymentType

MEANINGS: Meanings = {
    PayerType: {
        PayerType.MEMBER: "The member pays, such as a premium, a copay or a deductible.",
        PayerType.EMPLOYER: "The employer pays, such as the premiums of its employees.",
        PayerType.PROVIDER: "A provider pays, such as returning an overpayment: the plan "
        "recoups what it paid on a claim the provider voided or corrected to a smaller amount.",
        PayerType.SYSTEM: "The plan itself pays, such as a claim's paid amount to the provider "
        "(recordPayment).",
    },
    PayeeType: {
        PayeeType.MEMBER: "Paid to the member, such as a refund.",
        PayeeType.PROVIDER: "Paid to the provider, such as a claim payment.",
        PayeeType.SYSTEM: "Paid to the plan itself, such as a premium.",
    },
    PaymentType: {
        PaymentType.PREMIUM: "A policy's premium, paid to the plan by the member or employer.",
        PaymentType.CLAIM_REIMBURSEMENT: "The plan's payment of a claim's paid amount to the "
        "provider (recordPayment).",
        PaymentType.COPAY: "A member's copay.",
        PaymentType.DEDUCTIBLE: "A member's payment toward the deductible.",
        PaymentType.REFUND: "Money paid back, such as an overpayment. On a claim, a "
        "recoupment: the provider returns to the plan (payer PROVIDER, payee SYSTEM) what was "
        "paid on a claim it voided, or the part a corrected claim no longer allows.",
    },
    PaymentMethod: {
        PaymentMethod.CREDIT_CARD: "By credit card.",
        PaymentMethod.DEBIT_CARD: "By debit card.",
        PaymentMethod.ACH: "By ACH bank transfer.",
        PaymentMethod.CHECK: "By paper check.",
        PaymentMethod.WIRE: "By wire transfer.",
        PaymentMethod.EFT: "By electronic funds transfer to the payee's bank account, as the "
        "plan usually pays providers.",
    },
    PaymentStatus: {
        PaymentStatus.PENDING: "Recorded, not yet sent.",
        PaymentStatus.PROCESSING: "Sent, not yet settled.",
        PaymentStatus.COMPLETED: "Settled: the money has moved. A payment recorded with "
        "recordPayment is completed at once.",
        PaymentStatus.FAILED: "Did not go through; the failure reason says why.",
        PaymentStatus.REFUNDED: "Completed, then paid back.",
        PaymentStatus.CANCELLED: "Stopped before it was settled.",
    },
}
