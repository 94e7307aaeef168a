"""Built-in reference data: local authorities, queryable by current or former code.

GSS codes and DfE LA numbers for the 12 North East LAs (the area Foster with North East
covers) are from ONS's Register of Geographic Codes and DfE's LA number list, as
gathered in ``shared/domain.md``. Gateshead and Northumberland took new GSS codes on
1 April 2013 after the boundary change between them (ONS Code History Database), so
their former codes carry effective dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from ._authority import FormerCode, LocalAuthority

_CHANGE_2013 = dt.date(2013, 3, 31)


def _la(gss: str, dfe: str, name: str, *former: str) -> LocalAuthority:
    return LocalAuthority(
        gss_code=gss,
        dfe_number=dfe,
        name=name,
        former_codes=tuple(FormerCode(gss_code=code, valid_to=_CHANGE_2013) for code in former),
    )


def _north_east() -> tuple[LocalAuthority, ...]:
    return (
        _la("E06000001", "805", "Hartlepool"),
        _la("E06000002", "806", "Middlesbrough"),
        _la("E06000003", "807", "Redcar and Cleveland"),
        _la("E06000004", "808", "Stockton-on-Tees"),
        _la("E06000005", "841", "Darlington"),
        _la("E06000047", "840", "County Durham"),
        _la("E06000057", "929", "Northumberland", "E06000048"),
        _la("E08000037", "390", "Gateshead", "E08000020"),
        _la("E08000021", "391", "Newcastle upon Tyne"),
        _la("E08000022", "392", "North Tyneside"),
        _la("E08000023", "393", "South Tyneside"),
        _la("E08000024", "394", "Sunderland"),
    )


class AuthorityRegistry:
    """A set of local authorities, looked up by GSS code (current or former) or DfE number."""

    __slots__ = ("_all", "_by_code")

    def __init__(self, authorities: Iterable[LocalAuthority]) -> None:
        self._all = tuple(authorities)
        self._by_code: dict[str, LocalAuthority] = {}
        for la in self._all:
            codes = [la.gss_code, la.dfe_number, *(f.gss_code for f in la.former_codes)]
            for code in codes:
                if code in self._by_code:
                    raise ValueError(f"code {code} is used by two authorities")
                self._by_code[code] = la

    def get(self, code: str) -> LocalAuthority | None:
        """The authority with this GSS code (current or former) or DfE number."""
        return self._by_code.get(code.strip().upper())

    def __getitem__(self, code: str) -> LocalAuthority:
        la = self.get(code)
        if la is None:
            raise KeyError(f"no local authority with code {code!r}")
        return la

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def __iter__(self) -> Iterator[LocalAuthority]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def current_code(self, code: str, on: dt.date | None = None) -> str | None:
        """Translate any known code to the GSS code in force on ``on`` (default: today's)."""
        la = self.get(code)
        if la is None:
            return None
        return la.gss_code if on is None else la.code_on(on)

    def __repr__(self) -> str:
        return f"AuthorityRegistry({len(self._all)} authorities)"


NORTH_EAST = AuthorityRegistry(_north_east())
"""The 12 North East local authorities (Foster with North East)."""
