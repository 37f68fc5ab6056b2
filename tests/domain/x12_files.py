"""837P files for the X12 tests, built here (`build`): real-world shaped 005010X222A1
interchanges with correct counts and control numbers, and the four claims of a clean file.

x12sdk's generator writes 005010X222A2 files with ICD-9 style HI qualifiers, so it serves only
as the "wrong version" case (tests/domain/test_x12.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from domain.billing import Parsed

NPI = "1234567893"  # the CMS worked example


@dataclass(frozen=True)
class Line:
    code: str = "99213"
    charge: str = "100.00"
    units: str = "1"
    pointers: str = "1"
    on: str | None = "20260110"  # the 2400 DTP*472 (None: no line date)
    modifiers: tuple[str, ...] = ()
    place: str = ""  # SV105
    date_format: str = "D8"
    basis: str = "UN"


@dataclass(frozen=True)
class Dependent:
    first: str
    last: str
    born: str


@dataclass(frozen=True)
class Claim:
    pcn: str  # CLM01, the patient control number
    member: str
    first: str
    last: str
    born: str
    lines: tuple[Line, ...] = (Line(),)
    diagnoses: tuple[str, ...] = ("J069",)
    dependent: Dependent | None = None
    on: str | None = None  # a 2300 DTP*472
    place: str = "11"
    total: str | None = None  # CLM02; default: the lines' sum


@dataclass
class Envelope:
    isa_control: str = "000000905"
    gs_control: str = "17"
    st_control: str = "0001"
    version: str = "005010X222A1"
    npi: str = NPI
    se_count: int | None = None  # None: the right count
    ge_control: str | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)


def isa(control: str = "000000905") -> str:
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SUBMITTER01".ljust(15), "ZZ",
              "CLAIMGRAPH".ljust(15), "260115", "1200", "^", "00501", control, "0", "P", ":"]  # fmt: skip
    return "*".join(fields)


def transaction(claims: list[Claim], env: Envelope) -> list[str]:
    out = [f"ST*837*{env.st_control}*{env.version}",
           "BHT*0019*00*BATCH0042*20260115*1200*CH",
           "NM1*41*2*NORTHSIDE BILLING*****46*SUB001",
           "PER*IC*BILLING OFFICE*TE*2175550100",
           "NM1*40*2*CLAIMGRAPH HEALTH PLAN*****46*CGHP1",
           "HL*1**20*1",
           "PRV*BI*PXC*207Q00000X",
           f"NM1*85*2*NORTHSIDE FAMILY CLINIC*****XX*{env.npi}",
           "N3*100 MAIN ST",
           "N4*SPRINGFIELD*IL*627011234",
           "REF*EI*371234567"]  # fmt: skip
    hl = 1
    for claim in claims:
        hl += 1
        subscriber = hl
        dependent = claim.dependent
        out += [f"HL*{subscriber}*1*22*{1 if dependent else 0}",
                "SBR*P**GRP0042******CI" if dependent else "SBR*P*18*GRP0042******CI",
                f"NM1*IL*1*{claim.last}*{claim.first}****MI*{claim.member}",
                "N3*12 ELM ST", "N4*SPRINGFIELD*IL*62704",
                f"DMG*D8*{claim.born}*F",
                "NM1*PR*2*CLAIMGRAPH HEALTH PLAN*****PI*CGHP1"]  # fmt: skip
        if dependent:
            hl += 1
            out += [f"HL*{hl}*{subscriber}*23*0", "PAT*19",
                    f"NM1*QC*1*{dependent.last}*{dependent.first}",
                    "N3*12 ELM ST", "N4*SPRINGFIELD*IL*62704",
                    f"DMG*D8*{dependent.born}*M"]  # fmt: skip
        total = claim.total or str(sum(Decimal(line.charge) for line in claim.lines))
        out.append(f"CLM*{claim.pcn}*{total}***{claim.place}:B:1*Y*A*Y*Y")
        if claim.on:
            out.append(f"DTP*472*D8*{claim.on}")
        out.append("HI*" + "*".join(("ABK:" if i == 0 else "ABF:") + code
                                    for i, code in enumerate(claim.diagnoses)))  # fmt: skip
        for number, line in enumerate(claim.lines, start=1):
            procedure = ":".join(("HC", line.code, *line.modifiers))
            out += [f"LX*{number}",
                    f"SV1*{procedure}*{line.charge}*{line.basis}*{line.units}*{line.place}**"
                    f"{line.pointers}"]  # fmt: skip
            if line.on:
                out.append(f"DTP*472*{line.date_format}*{line.on}")
    out.append(f"SE*{env.se_count or len(out) + 1}*{env.st_control}")
    return out


def build(claims: list[Claim], env: Envelope | None = None, *, transactions: int = 1) -> str:
    """An interchange of one group of `transactions` transactions (the claims in each)."""
    env = env or Envelope()
    segments = [isa(env.isa_control), f"GS*HC*SUBMITTER01*CLAIMGRAPH*20260115*1200*"
                f"{env.gs_control}*X*{env.version}"]  # fmt: skip
    for index in range(transactions):
        control = env.st_control if index == 0 else f"{int(env.st_control) + index:04d}"
        segments += transaction(claims, replace(env, st_control=control))
    segments += [f"GE*{transactions}*{env.ge_control or env.gs_control}",
                 f"IEA*1*{env.isa_control}"]  # fmt: skip
    return "".join(segment + "~\n" for segment in segments)


def rows(text: str, prefix: str) -> list[int]:
    """The 1-based segment numbers (ISA = 1) of the segments starting with `prefix`."""
    segments = [s.strip() for s in text.split("~") if s.strip()]
    return [n for n, s in enumerate(segments, start=1) if s.startswith(prefix)]


def found(parsed: Parsed) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.field) for p in parsed.problems]


# --- the claims of a clean file ---------------------------------------------------------------


ADA = Claim("PCN-ADA-7731", "XJ90017731", "ADA", "QUILLFEATHER", "19740302",
            lines=(Line("99213", "145.00", pointers="1:2"),
                   Line("87880", "35.50", units="2", modifiers=("QW",), on="20260111")),
            diagnoses=("J069", "R051"))  # fmt: skip


BRAM = Claim("PCN-BRAM-0042", "XJ90020042", "BARNABY", "WINTERBOTTOM", "19800615",
             lines=(Line("90834", "120.00", place="02"),),
             diagnoses=("F411",),
             dependent=Dependent("BRAMBLE", "WINTERBOTTOM", "20120909"))  # fmt: skip


CLEO = Claim("PCN-CLEO-5", "XJ90030005", "CLEOPATRA", "FINCHWORTH", "19651224",
             lines=(Line("99395", "200.00", on="20260105"),
                    Line("G0444", "15.00", units="1.0", on="20260105")),
             diagnoses=("Z0000",), place="22")  # fmt: skip


DORA = Claim("PCN-DORA-9", "XJ90040009", "DORA", "MULLIGRUBS", "19900101",
             lines=(Line("97110", "60.00", units="3", date_format="RD8",
                         on="20260112-20260114"),),
             diagnoses=("M545",))  # fmt: skip


CLAIMS = [ADA, BRAM, CLEO, DORA]


PHI = [value for c in CLAIMS for value in (c.pcn, c.member, c.first, c.last, c.born)] + [
    "BRAMBLE", "20120909"]  # fmt: skip
