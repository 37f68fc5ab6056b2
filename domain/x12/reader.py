"""Our walker over the segments: each goes to its handler, and the envelope segments (ISA,
GS, ST and their trailers) say which claims are read at all."""

from __future__ import annotations

import re

from domain.x12.content import _Content
from domain.x12.values import VERSION, _described, _part, _shown

# 837P segment identifiers: the only segment text a message may repeat
_KNOWN = frozenset(
    "AMT BHT CAS CLM CN1 CR1 CR2 CR3 CRC CTP DMG DTP FRM HCP HI HL K3 LIN LQ LX MEA MOA N2 N3 "
    "N4 NM1 NTE OI PAT PER PRV PS1 PWK QTY REF SBR SV1 SV5 SVD TRN".split()
)
_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
_TRANSACTION = re.compile(r"^[0-9]{3}$")


class _Reader(_Content):
    """Reads a file's segments in order: `segment(number, text)` for each, then `end()`."""

    # -- dispatch ----------------------------------------------------------------------------

    def segment(self, number: int, text: str) -> None:
        parts = text.lstrip().split(self.element)
        ident = parts[0].strip()
        if ident in _ENVELOPE:
            getattr(self, "_" + ident.lower())(number, parts)
            return
        if not self.in_st:
            known = ident in _KNOWN  # anything else could be content: never echoed
            self.problem(number, f"{ident if known else 'a segment'} is outside a transaction "
                         "(ST … SE); it was not read.", ident if known else "segment")  # fmt: skip
            return
        if not self.st_ok:
            if ident == "SV1":
                self.parsed.rows += 1
            return
        handler = self._CONTENT.get(ident)
        if handler is not None:
            handler(self, number, parts)

    def end(self) -> None:
        self._close(cut_off=self.in_st)

    # -- envelope ----------------------------------------------------------------------------

    def _isa(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        self.in_isa, self.in_gs, self.in_st = True, False, False
        self.isa_ok = len(parts) == 17 and parts[12] == "00501"
        if number > 1 and not self.isa_ok:
            self.problem(number, "this interchange header (ISA) is not a 5010 header of 16 "
                         "fields (ISA12 00501); its claims were not read.", "ISA")  # fmt: skip

    def _gs(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        if not self.in_isa:
            self.problem(number, "a functional group (GS) outside an interchange (ISA … "
                         "IEA); its claims were not read.", "GS")  # fmt: skip
        self.in_gs, self.in_st = True, False
        kind = _part(parts, 1)
        version = _part(parts, 8)
        self.gs_ok = self.in_isa and self.isa_ok and kind == "HC" and version == VERSION
        if self.isa_ok and not self.gs_ok:
            at = "GS01" if kind != "HC" else "GS08"
            self.problem(number, f"this functional group is {_described(kind, version)}; the "
                         f"plan reads health care claims (GS01 HC) of version {VERSION} "
                         "(837P). Its claims were not read.", at)  # fmt: skip

    def _st(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        if not self.in_gs:
            self.problem(number, "a transaction (ST) outside a functional group (GS … GE); "
                         "its claims were not read.", "ST")  # fmt: skip
        self.in_st = True
        self._reset_hierarchy()
        kind = _part(parts, 1)
        version = _part(parts, 3)
        self.st_ok = self.in_gs and self.gs_ok and kind == "837" and version in ("", VERSION)
        if self.in_gs and self.gs_ok and not self.st_ok:
            at = "ST01" if kind != "837" else "ST03"
            if kind == "837":
                shown = f"an 837 of version {_shown(version)}"
            elif _TRANSACTION.match(kind):
                shown = f"a transaction of type {kind}"
            else:
                shown = "not a claim transaction"
            self.problem(number, f"this transaction is {shown}; the plan reads 837P "
                         f"professional claims of version {VERSION}. Its claims were not "
                         "read.", at)  # fmt: skip

    def _se(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=False)
        self.in_st = False

    def _ge(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        self.in_st = self.in_gs = self.gs_ok = False

    def _iea(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        self.in_st = self.in_gs = self.in_isa = False
        self.gs_ok = self.isa_ok = False
