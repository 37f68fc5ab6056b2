"""The 837P segments a claim is read from: HL, NM1, DMG, CLM, HI, DTP, LX and SV1."""

from __future__ import annotations

import re

from domain.x12.values import _amount, _d8, _part, _rd8
from domain.x12.walker import _Claim, _Line, _Person, _Walker

_NUMBER = re.compile(r"^[0-9]{1,9}$")


class _Content(_Walker):
    """The 837P content segments, each read by its handler in `_CONTENT`."""

    def _hl(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=False)
        ident, parent, level = _part(parts, 1), _part(parts, 2), _part(parts, 3)
        parent_level = self.levels.get(parent)
        if ident:
            self.levels[ident] = level
        self.person = None
        if level == "20":
            self.level, self.provider_row, self.npi = "20", number, ""
            self.subscriber = self.patient = None
        elif level == "22":
            self.level = "22"
            if self.provider_row is None or (parent_level is not None and parent_level != "20"):
                self.problem(number, "a subscriber level (HL03 22) must come under a billing "
                             "provider level (HL03 20).", "HL02")  # fmt: skip
            self.subscriber = self.patient = _Person(number)
        elif level == "23":
            self.level = "23"
            if self.subscriber is None or (parent_level is not None and parent_level != "22"):
                self.problem(number, "a patient level (HL03 23) must come under a subscriber "
                             "level (HL03 22).", "HL02")  # fmt: skip
            self.patient = _Person(number)
        else:
            self.problem(number, "the hierarchical level code (HL03) must be 20 (billing "
                         "provider), 22 (subscriber) or 23 (patient).", "HL03")  # fmt: skip
            self.level = None
            self.subscriber = self.patient = None

    def _nm1(self, number: int, parts: list[str]) -> None:
        self.person = None
        if self.claim is not None:
            return  # 2310/2420 providers and the like: not read
        entity = _part(parts, 1)
        if entity == "85" and self.level == "20":
            self.npi = _part(parts, 9) if _part(parts, 8) == "XX" else ""
        elif entity == "IL" and self.level == "22" and self.subscriber is not None:
            self.subscriber.member_number = _part(parts, 9)
            self.subscriber.first_name = _part(parts, 4) or None
            self.person = self.subscriber
        elif entity == "QC" and self.level == "23" and self.patient is not None:
            self.patient.first_name = _part(parts, 4) or None
            self.person = self.patient

    def _dmg(self, number: int, parts: list[str]) -> None:
        person, self.person = self.person, None
        if person is None:
            return
        if _part(parts, 1) != "D8":
            person.bad_birth = (number, "DMG01")
        else:
            born = _d8(_part(parts, 2))
            if born is None:
                person.bad_birth = (number, "DMG02")
            person.born = born

    def _clm(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=False)
        self.person = None
        self.position += 1
        place = _part(parts, 5).split(self.component)[0].strip() or None
        raw_total = _part(parts, 2)
        total = _amount(raw_total)
        claim = _Claim(self.position, number, self.npi, self.subscriber, self.patient, total,
                       place)  # fmt: skip
        self.claim = claim
        if total is None:
            claim.problems.append((number, "CLM02", "its total charge (CLM02) is not an "
                                   "amount like 125.00."))  # fmt: skip
        if self.level not in ("22", "23") or self.subscriber is None:
            claim.problems.append((number, "HL", "it is not under a subscriber (HL03 22) or "
                                   "patient (HL03 23) level."))  # fmt: skip
            return
        if not self.npi:
            at = self.provider_row if self.provider_row is not None else number
            claim.problems.append((at, "NM109", "its billing provider has no NPI (2010AA "
                                   "NM1*85 with XX and the 10-digit NPI)."))  # fmt: skip
        if not self.subscriber.member_number:
            claim.problems.append((self.subscriber.row, "NM109", "its subscriber has no "
                                   "member id (2010BA NM1*IL with MI and the id)."))  # fmt: skip
        if self.patient is not None and self.patient.bad_birth is not None:
            at, field_name = self.patient.bad_birth
            claim.problems.append((at, field_name, f"the patient's date of birth in segment "
                                   f"{at} ({field_name}) is not a date as CCYYMMDD (DMG01 "
                                   "D8)."))  # fmt: skip

    def _hi(self, number: int, parts: list[str]) -> None:
        claim = self.claim
        if claim is None or claim.in_lines:
            return
        for index, value in enumerate(parts[1:], start=1):
            pieces = value.split(self.component)
            qualifier = pieces[0].strip()
            code = pieces[1].strip() if len(pieces) > 1 else ""
            at = f"HI{index:02d}"
            if qualifier in ("ABK", "ABF"):
                if code:
                    claim.diagnoses.append(code)
                else:
                    claim.problems.append((number, at, f"a diagnosis in segment {number} "
                                           f"({at}) has a qualifier but no code."))  # fmt: skip
            elif qualifier in ("BK", "BF"):
                claim.problems.append((number, at, f"segment {number} ({at}) gives an ICD-9 "
                                       "diagnosis (BK/BF); report ICD-10-CM codes with ABK "
                                       "and ABF."))  # fmt: skip

    def _dtp(self, number: int, parts: list[str]) -> None:
        claim = self.claim
        if claim is None:
            return
        qualifier, form, value = _part(parts, 1), _part(parts, 2), _part(parts, 3)
        if form == "D8":
            start = _d8(value)
            bad = "is not a date as CCYYMMDD (DTP02 D8)"
        elif form == "RD8":
            start = _rd8(value)
            bad = "is not a date range as CCYYMMDD-CCYYMMDD (DTP02 RD8)"
        elif qualifier == "472":
            start = None
            bad = "must be a date (DTP02 D8) or a date range (DTP02 RD8)"
        else:
            return  # other date formats (times) are not read
        if start is None:
            at = "DTP03" if form in ("D8", "RD8") else "DTP02"
            claim.problems.append((number, at, f"the date in segment {number} ({at}) "
                                   f"{bad}."))  # fmt: skip
            if qualifier == "472":
                if claim.in_lines and claim.lines and claim.open_lx is None:
                    claim.lines[-1].bad_date = True
                elif not claim.in_lines:
                    claim.bad_service_date = True
            return
        if qualifier != "472":
            return
        if claim.in_lines and claim.lines and claim.open_lx is None:
            claim.lines[-1].service_date = start
            claim.lines[-1].dated = True
        elif not claim.in_lines:
            claim.service_date = start

    def _lx(self, number: int, parts: list[str]) -> None:
        claim = self.claim
        if claim is None:
            return
        if claim.open_lx is not None:
            claim.problems.append((claim.open_lx, "SV1", f"the service line starting in "
                                   f"segment {claim.open_lx} (LX) has no SV1."))  # fmt: skip
        claim.in_lines = True
        claim.open_lx = number

    def _sv1(self, number: int, parts: list[str]) -> None:
        self.parsed.rows += 1
        claim = self.claim
        if claim is None:
            self.problem(number, "a service line (SV1) outside a claim (CLM); it was not "
                         "read.", "SV1")  # fmt: skip
            return
        problems = claim.problems
        if claim.open_lx is None:
            problems.append((number, "LX", f"the service line in segment {number} (SV1) does "
                             "not follow its line number (LX)."))  # fmt: skip
        claim.in_lines = True
        claim.open_lx = None
        procedure = _part(parts, 1).split(self.component)
        code = procedure[1].strip() if len(procedure) > 1 else ""
        modifiers = tuple(m.strip() for m in procedure[2:6] if m.strip())
        if not code:
            problems.append((number, "SV101", f"the service line in segment {number} has no "
                             "procedure code (SV101, as HC:code)."))  # fmt: skip
        charge = _amount(_part(parts, 2))
        if charge is None:
            problems.append((number, "SV102", f"the charge of the service line in segment "
                             f"{number} (SV102) is not an amount like 125.00."))  # fmt: skip
        units: int | None = 1
        basis, count = _part(parts, 3), _part(parts, 4)
        if count and basis in ("UN", ""):
            quantity = _amount(count)
            if quantity is None or quantity != quantity.to_integral_value() or quantity < 0:
                problems.append((number, "SV104", f"the units of the service line in segment "
                                 f"{number} (SV104) must be a whole number."))  # fmt: skip
                units = None
            else:
                units = int(quantity)
        elif count and _amount(count) is None:
            problems.append((number, "SV104", f"the quantity of the service line in segment "
                             f"{number} (SV104) is not a number."))  # fmt: skip
        pointers: list[int] = []
        for raw in _part(parts, 7).split(self.component):
            raw = raw.strip()
            if not raw:
                continue
            if _NUMBER.match(raw) and 1 <= int(raw) <= 12:
                pointers.append(int(raw))
            else:
                problems.append((number, "SV107", f"the diagnosis pointers of the service "
                                 f"line in segment {number} (SV107) must be numbers 1 to 12 "
                                 f"separated by '{self.component}'."))  # fmt: skip
                break
        claim.lines.append(_Line(number, code, modifiers, charge, units, tuple(pointers),
                                 _part(parts, 5) or None))  # fmt: skip

    _CONTENT = {"HL": _hl, "NM1": _nm1, "DMG": _dmg, "CLM": _clm, "HI": _hi, "DTP": _dtp,
                "LX": _lx, "SV1": _sv1}  # fmt: skip
