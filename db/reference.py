"""Reference code sets the plan may ship, loaded by migration 0007 (never fetched at run time).

- CMS place-of-service codes with their names (public domain).
- A small HCPCS Level II subset with short descriptions of our own (public domain codes).
- Claim adjustment reason codes with our own short labels: the X12 texts are copyrighted.
- ICD-10-CM (US government) comes from the simple-icd-10-cm package at migration time.
CPT and CDT descriptors are licensed (AMA, ADA): none are shipped; CPT is checked by format.
"""

from __future__ import annotations

from collections.abc import Iterator

PLACES_OF_SERVICE = {
    "01": "Pharmacy", "02": "Telehealth other than in the patient's home", "03": "School",
    "04": "Homeless shelter", "05": "Indian Health Service free-standing facility",
    "06": "Indian Health Service provider-based facility",
    "07": "Tribal 638 free-standing facility", "08": "Tribal 638 provider-based facility",
    "09": "Prison or correctional facility", "10": "Telehealth in the patient's home",
    "11": "Office", "12": "Home", "13": "Assisted living facility", "14": "Group home",
    "15": "Mobile unit", "16": "Temporary lodging", "17": "Walk-in retail health clinic",
    "18": "Place of employment or worksite", "19": "Off campus outpatient hospital",
    "20": "Urgent care facility", "21": "Inpatient hospital",
    "22": "On campus outpatient hospital", "23": "Emergency room, hospital",
    "24": "Ambulatory surgical center", "25": "Birthing center",
    "26": "Military treatment facility", "27": "Outreach site or street",
    "31": "Skilled nursing facility", "32": "Nursing facility",
    "33": "Custodial care facility", "34": "Hospice", "41": "Ambulance, land",
    "42": "Ambulance, air or water", "49": "Independent clinic",
    "50": "Federally qualified health center", "51": "Inpatient psychiatric facility",
    "52": "Psychiatric facility, partial hospitalization",
    "53": "Community mental health center",
    "54": "Intermediate care facility for individuals with intellectual disabilities",
    "55": "Residential substance abuse treatment facility",
    "56": "Psychiatric residential treatment center",
    "57": "Non-residential substance abuse treatment facility",
    "58": "Non-residential opioid treatment facility", "60": "Mass immunization center",
    "61": "Comprehensive inpatient rehabilitation facility",
    "62": "Comprehensive outpatient rehabilitation facility",
    "65": "End-stage renal disease treatment facility",
    "66": "Programs of all-inclusive care for the elderly (PACE) center",
    "71": "Public health clinic", "72": "Rural health clinic", "81": "Independent laboratory",
    "99": "Other place of service",
}  # fmt: skip

HCPCS = {
    "A0425": "Ground ambulance mileage, per mile",
    "A0427": "Ambulance, advanced life support, emergency, level 1",
    "A0429": "Ambulance, basic life support, emergency",
    "E0114": "Underarm crutches, pair",
    "E0601": "Continuous positive airway pressure device",
    "G0008": "Giving an influenza vaccine",
    "G0009": "Giving a pneumococcal vaccine",
    "G0121": "Screening colonoscopy, average risk",
    "G0438": "Annual wellness visit, first",
    "G0439": "Annual wellness visit, later years",
    "H0001": "Alcohol or drug assessment",
    "H0004": "Behavioural health counselling, per 15 minutes",
    "J0696": "Ceftriaxone injection, per 250 mg",
    "J1100": "Dexamethasone injection, per 1 mg",
    "J1885": "Ketorolac injection, per 15 mg",
    "J3420": "Vitamin B-12 injection, up to 1000 mcg",
    "J7030": "Normal saline infusion, 1000 cc",
    "L3908": "Wrist-hand orthosis, prefabricated",
    "Q0091": "Collecting a screening Pap smear",
    "T1015": "Clinic visit, all-inclusive",
    "V2020": "Spectacle frames",
    "V2100": "Single vision lens, sphere",
}

# HCPCS Level II codes added by migration 0014 (knee braces and knee care), in the same
# short wording of our own: what a search for "knee" should find.
HCPCS_KNEE = {
    "E0935": "Continuous passive motion exercise device, knee only",
    "J7321": "Hyaluronan injection into the knee joint (Hyalgan, Supartz, Visco-3), per dose",
    "L1810": "Knee orthosis, elastic with joints, prefabricated",
    "L1830": "Knee immobilizer, canvas, prefabricated, off-the-shelf",
    "L1832": "Knee orthosis with adjustable knee joints, rigid support, prefabricated",
}

# Our own short labels for the claim adjustment reason codes the plan uses.
ADJUSTMENT_REASONS = {
    "1": "Deductible", "2": "Coinsurance", "3": "Copay",
    "4": "Modifier does not fit the procedure", "5": "Place of service does not fit",
    "11": "Diagnosis does not support the procedure", "16": "Information missing",
    "18": "Duplicate of a claim on file", "22": "Another payer may be primary",
    "26": "Service before coverage began", "27": "Service after coverage ended",
    "29": "Filed too late", "31": "Patient not found as our member",
    "45": "Charge above the fee schedule", "50": "Not medically necessary",
    "96": "Not a covered charge", "97": "Paid as part of another service",
    "109": "Not covered by this plan", "119": "Benefit maximum reached",
    "151": "More often than the plan covers", "167": "Diagnosis not covered",
    "170": "Not payable to this provider type", "185": "Rendering provider not eligible",
    "197": "Prior authorisation missing", "204": "Not covered under the benefit plan",
    "242": "Not provided by a network provider",
    "B7": "Provider not certified for this service on this date",
}  # fmt: skip


def icd10cm_rows() -> Iterator[tuple[str, str, bool]]:
    """(code without dot, description, billable) for every ICD-10-CM category and
    subcategory; billable means a valid leaf item. Imports the package only when called."""
    import simple_icd_10_cm as cm

    seen: set[str] = set()
    for code in cm.get_all_codes(with_dots=False):
        # chapters and blocks are not codes a claim carries; a block may share a category's
        # name (B10), so each code once
        if code in seen or not cm.is_category_or_subcategory(code):
            continue
        seen.add(code)
        billable = cm.is_valid_item(code) and cm.is_leaf(code)
        yield code, cm.get_description(code), billable
