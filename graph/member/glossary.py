"""What a covered person's details mean, said once for the Member and Dependent types and
the inputs that enrol people and change their contact details."""

FIRST_NAME = "Given name, as enrolled."
MIDDLE_NAME = "Middle name or initial; null when none is on record."
LAST_NAME = "Family name, as enrolled."
DATE_OF_BIRTH = (
    "Date of birth; a claim names its patient by member number and date of birth. "
    "Regulators read birthYear instead."
)
GENDER = "Gender as the person gave it; null when not given."
EMAIL = "Email address the person keeps up to date themselves."
PHONE = "Phone number with area code, stored as (NXX) NXX-XXXX."
ALTERNATE_PHONE = "A second phone number, stored as (NXX) NXX-XXXX."
ADDRESS_LINE1 = "Street address of the home."
ADDRESS_LINE2 = "Apartment, suite or unit."
CITY = "City of the home address."
STATE = "Two-letter USPS state code of the home address."
ZIP_CODE = "ZIP code of the home address, 12345 or 12345-6789."
EMERGENCY_CONTACT_NAME = "Whom to call in an emergency."
EMERGENCY_CONTACT_PHONE = "The emergency contact's phone number, stored as (NXX) NXX-XXXX."
EMERGENCY_CONTACT_RELATION = "How the emergency contact is related to the member (e.g. sister)."
ENROLLMENT_DATE = "First day of coverage under the plan."
EMPLOYEE_ID = "The employer's own number for the employee; null when none was given."
