"""Allocation policies: each built-in, the chain, lookups, config errors and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fostering_hub.allocation import (
    AllocationContext,
    AllocationDecision,
    Allocator,
    BalancedPolicy,
    ChainPolicy,
    CouncilTaxPolicy,
    LookupFileError,
    MatchLevel,
    NonMemberPreference,
    PostcodeLookup,
    PostcodePolicy,
    PreferencePolicy,
    Straddle,
    build_policy,
    checked_decision,
    load_lookup,
)
from fostering_hub.cli import main
from fostering_hub.config import ConfigError, load_config, parse_config
from fostering_hub.models import Enquiry, Handover

CONFIG = load_config()
CONTEXT = AllocationContext(CONFIG.cluster)
SUNDERLAND, NEWCASTLE, DURHAM = "E08000024", "E08000021", "E06000047"
MIDDLESBROUGH, REDCAR = "E06000002", "E06000003"


def enquiry(postcode: str | None = "SR1 3AA", **fields: Any) -> Enquiry:
    applicant: dict[str, Any] = {"first_name": "Sam", "last_name": "Example"}
    if postcode is not None:
        applicant["address"] = {"line1": "1 Example Street", "postcode": postcode}
    data = {
        "enquiry_id": "NE-1",
        "received_at": "2024-04-01T10:00",
        "channel": "web",
        "applicants": [applicant],
        **fields,
    }
    return Enquiry.model_validate(data)


class TestPreference:
    def test_member(self) -> None:
        decision = PreferencePolicy().decide(enquiry(preferred_la=NEWCASTLE), CONTEXT)
        assert (decision.local_authority, decision.policy, decision.confidence) == (
            NEWCASTLE,
            "preference",
            1.0,
        )
        assert decision.reasons == (
            "The enquirer asked to foster for Newcastle upon Tyne (E08000021)",
        )

    def test_former_code_maps_to_current(self) -> None:
        decision = PreferencePolicy().decide(enquiry(preferred_la="E08000020"), CONTEXT)
        assert decision.local_authority == "E08000037"

    def test_none_named(self) -> None:
        decision = PreferencePolicy().decide(enquiry(), CONTEXT)
        assert not decision.allocated
        assert not decision.final

    @pytest.mark.parametrize(
        ("handling", "final"),
        [(NonMemberPreference.NEXT, False), (NonMemberPreference.UNALLOCATED, True)],
    )
    def test_non_member(self, handling: NonMemberPreference, final: bool) -> None:
        decision = PreferencePolicy(handling).decide(enquiry(preferred_la="E09000001"), CONTEXT)
        assert decision.local_authority is None
        assert decision.final is final
        assert "E09000001" in decision.reasons[0]
        assert "not a member" in decision.reasons[0]


class TestCouncilTax:
    def test_member(self) -> None:
        decision = CouncilTaxPolicy().decide(enquiry(council_tax_la=DURHAM), CONTEXT)
        assert decision.local_authority == DURHAM
        assert decision.reasons == ("The household pays council tax to County Durham (E06000047)",)

    def test_unknown_or_outside(self) -> None:
        assert not CouncilTaxPolicy().decide(enquiry(), CONTEXT).allocated
        outside = CouncilTaxPolicy().decide(enquiry(council_tax_la="E09000001"), CONTEXT)
        assert not outside.allocated
        assert not outside.final


ROWS = [
    ("SR1 3AA", SUNDERLAND),
    ("SR1 3AB", SUNDERLAND),
    ("DH4 4AA", SUNDERLAND),
    ("DH4 4AB", SUNDERLAND),
    ("DH4 4AD", SUNDERLAND),
    ("DH4 5AA", DURHAM),
    ("TS6", MIDDLESBROUGH),
    ("TS6", REDCAR),
    ("NE", NEWCASTLE),
]


class TestPostcode:
    lookup = PostcodeLookup.from_rows(ROWS)

    @pytest.mark.parametrize(
        ("postcode", "level", "first"),
        [
            ("sr13aa", MatchLevel.UNIT, SUNDERLAND),
            ("SR1 3ZZ", MatchLevel.SECTOR, SUNDERLAND),
            ("SR1 9ZZ", MatchLevel.DISTRICT, SUNDERLAND),
            ("DH4 4ZZ", MatchLevel.SECTOR, SUNDERLAND),
            ("NE99 1AA", MatchLevel.AREA, NEWCASTLE),
        ],
    )
    def test_longest_prefix(self, postcode: str, level: MatchLevel, first: str) -> None:
        match = self.lookup.find(postcode)
        assert match is not None
        assert (match.level, match.candidates[0].gss_code) == (level, first)

    def test_for_prefix_is_what_find_answers_below_the_prefix(self) -> None:
        assert self.lookup.prefixes >= {"SR1 3", "SR1", "SR", "DH4", "TS6", "NE"}
        for prefix in self.lookup.prefixes:
            match = self.lookup.for_prefix(prefix)
            assert match is not None
            unlisted = {" ": "ZZ", "": " 9ZZ"}[" " if " " in prefix else ""]
            if prefix.isalpha():
                unlisted = "99 9ZZ"
            assert self.lookup.find(prefix + unlisted) == match
        dh4 = self.lookup.for_prefix("DH4")
        assert dh4 is not None
        assert [c.gss_code for c in dh4.candidates] == [SUNDERLAND, DURHAM]
        assert self.lookup.for_prefix("W1A") is None
        assert self.lookup.for_prefix("SR1 3AA") is None  # a unit, not a prefix

    def test_unknown(self) -> None:
        assert self.lookup.find("W1A 0AX") is None
        decision = PostcodePolicy(self.lookup).decide(enquiry("W1A 0AX"), CONTEXT)
        assert not decision.allocated
        assert not decision.final

    def test_straddling_district_returns_all_candidates_with_shares(self) -> None:
        match = self.lookup.find("DH4 9ZZ")
        assert match is not None
        assert match.level is MatchLevel.DISTRICT
        assert [(c.gss_code, c.share) for c in match.candidates] == [
            (SUNDERLAND, 0.75),
            (DURHAM, 0.25),
        ]

    def test_straddle_largest_share(self) -> None:
        decision = PostcodePolicy(self.lookup).decide(enquiry("DH4 9ZZ"), CONTEXT)
        assert decision.local_authority == SUNDERLAND
        assert decision.confidence == pytest.approx(0.75)
        assert [c.gss_code for c in decision.candidates] == [SUNDERLAND, DURHAM]
        assert "straddles" in decision.reasons[0]
        assert "DH4" not in decision.reasons[0]  # reasons carry no postcode

    def test_straddle_left_for_a_person(self) -> None:
        policy = PostcodePolicy(self.lookup, Straddle.UNALLOCATED)
        decision = policy.decide(enquiry("TS6 7AA"), CONTEXT)
        assert decision.local_authority is None
        assert decision.final
        assert decision.confidence == pytest.approx(0.5)

    def test_unit_match_is_certain(self) -> None:
        decision = PostcodePolicy(self.lookup).decide(enquiry("SR1 3AA"), CONTEXT)
        assert (decision.local_authority, decision.confidence) == (SUNDERLAND, 1.0)

    def test_no_postcode(self) -> None:
        assert not PostcodePolicy(self.lookup).decide(enquiry(None), CONTEXT).allocated

    def test_outside_the_cluster(self) -> None:
        lookup = PostcodeLookup.from_rows([("W1A", "E09000033")])
        decision = PostcodePolicy(lookup).decide(enquiry("W1A 0AX"), CONTEXT)
        assert not decision.allocated
        assert "outside" in decision.reasons[0]


class TestLookupFiles:
    def test_onspd_layout(self, tmp_path: Path) -> None:
        path = tmp_path / "onspd.csv"
        path.write_text(
            '"pcd","pcd2","pcds","dointr","doterm","oscty","oslaua","osward"\n'
            '"SR1 3AA","SR1  3AA","SR1 3AA","198001","","E99999999","E08000024","E05001"\n'
            '"DH4 5AA","DH4  5AA","DH4 5AA","198001","","E99999999","E06000047","E05002"\n'
        )
        lookup = PostcodeLookup.from_csv(path)
        assert len(lookup) == 2
        match = lookup.find("DH4 5AA")
        assert match is not None
        assert match.candidates[0].gss_code == DURHAM

    def test_real_onspd_padding(self, tmp_path: Path) -> None:
        # pcd and pcd2 are fixed-width ("B1  1AA"); pcds is the one-space form.
        path = tmp_path / "onspd.csv"
        path.write_text(
            '"pcd","pcd2","pcds","oslaua"\n'
            '"B1  1AA","B1   1AA","B1 1AA","E08000025"\n'
            '"B10 0AA","B10  0AA","B10 0AA","E08000025"\n'
            '"SR1 3AA","SR1  3AA","SR1 3AA","E08000024"\n'
        )
        lookup = PostcodeLookup.from_csv(path)
        assert len(lookup) == 3
        match = lookup.find("b11aa")
        assert match is not None
        assert (match.level, match.candidates[0].gss_code) == (MatchLevel.UNIT, "E08000025")
        padded = tmp_path / "pcd-only.csv"
        padded.write_text('"pcd","oslaua"\n"B1  1AA","E08000025"\n')
        assert PostcodeLookup.from_csv(padded).find("B1 1AA") is not None

    def test_unsorted_rows(self) -> None:
        lookup = PostcodeLookup.from_rows(
            [("SR1 3AA", SUNDERLAND), ("B1 1AA", "E08000025"), ("NE1 4ST", NEWCASTLE)]
        )
        assert [
            lookup.find(p).candidates[0].gss_code for p in ("B1 1AA", "NE1 4ST", "SR1 3AA")
        ] == [  # type: ignore[union-attr]
            "E08000025",
            NEWCASTLE,
            SUNDERLAND,
        ]

    def test_nspl_style_header(self, tmp_path: Path) -> None:
        path = tmp_path / "nspl.csv"
        path.write_text("pcd,pcds,lad23cd,ctry\nSR1 3AA,SR1 3AA,E08000024,E92000001\n")
        assert PostcodeLookup.from_csv(path).authorities == {SUNDERLAND}

    def test_two_columns_without_header(self, tmp_path: Path) -> None:
        path = tmp_path / "simple.csv"
        path.write_text("# my table\nSR1,E08000024\nNE1 4ST,E08000021\n")
        lookup = PostcodeLookup.from_csv(path)
        assert lookup.authorities == {SUNDERLAND, NEWCASTLE}

    @pytest.mark.parametrize(
        ("text", "line", "message"),
        [
            ("postcode,gss_code\nSR1 3AA,E08000024\nNOT A POSTCODE,E08000024\n", 3, "postcode"),
            ("postcode,gss_code\nSR1 3AA,\n", 2, "LA code is empty"),
            ("pcds,oslaua,x\nSR1 3AA\n", 2, "columns"),
            ("a,b,c\n1,2,3\n", 1, "header"),
        ],
    )
    def test_malformed_files_name_file_and_line(
        self, tmp_path: Path, text: str, line: int, message: str
    ) -> None:
        path = tmp_path / "bad.csv"
        path.write_text(text)
        with pytest.raises(LookupFileError) as caught:
            PostcodeLookup.from_csv(path)
        assert caught.value.line == line
        assert str(caught.value).startswith(f"{path}:{line}: ")
        assert message in str(caught.value)
        assert "NOT A POSTCODE" not in str(caught.value)

    def test_empty_and_binary(self, tmp_path: Path) -> None:
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        with pytest.raises(LookupFileError, match="empty"):
            PostcodeLookup.from_csv(empty)
        binary = tmp_path / "binary.csv"
        binary.write_bytes(b"\xff\xfe\x00")
        with pytest.raises(LookupFileError, match="UTF-8"):
            PostcodeLookup.from_csv(binary)

    def test_builtin_sample(self) -> None:
        lookup = load_lookup("builtin:north-east-sample")
        assert lookup.authorities == CONFIG.cluster.member_codes
        with pytest.raises(ValueError, match="no built-in lookup"):
            load_lookup("builtin:nope")


class TestBalanced:
    def test_equal_shares_round_robin(self) -> None:
        allocator = Allocator(BalancedPolicy(), CONFIG.cluster)
        decisions = allocator.allocate_all([enquiry()] * 24)
        counts = dict.fromkeys(CONFIG.cluster.member_codes, 0)
        for decision in decisions:
            counts[decision.local_authority or ""] += 1
        assert set(counts.values()) == {2}

    def test_weights(self) -> None:
        weights = {SUNDERLAND: 3.0, NEWCASTLE: 1.0}
        allocator = Allocator(BalancedPolicy(weights), CONFIG.cluster)
        decisions = allocator.allocate_all([enquiry()] * 40)
        assert [d.local_authority for d in decisions].count(SUNDERLAND) == 30
        assert [d.local_authority for d in decisions].count(NEWCASTLE) == 10

    def test_deterministic_given_history(self) -> None:
        history = {SUNDERLAND: 5, NEWCASTLE: 1}
        context = AllocationContext(CONFIG.cluster, history)
        first = BalancedPolicy().decide(enquiry(), context)
        assert first == BalancedPolicy().decide(enquiry(), context)
        assert first.local_authority not in {SUNDERLAND, NEWCASTLE}


class TestChain:
    def test_first_deciding_policy_wins(self) -> None:
        chain = ChainPolicy((PreferencePolicy(), CouncilTaxPolicy(), BalancedPolicy()))
        decision = chain.decide(enquiry(council_tax_la=DURHAM), CONTEXT)
        assert (decision.local_authority, decision.policy) == (DURHAM, "council_tax")
        assert decision.passed_over == ("preference: The enquirer did not name an LA",)
        record = decision.to_record()
        assert record.policy == "council_tax"
        assert record.reasons[-1] == "The household pays council tax to County Durham (E06000047)"

    def test_final_unallocated_stops_the_chain(self) -> None:
        chain = ChainPolicy((PreferencePolicy(NonMemberPreference.UNALLOCATED), CouncilTaxPolicy()))
        decision = chain.decide(enquiry(preferred_la="E09000001", council_tax_la=DURHAM), CONTEXT)
        assert decision.local_authority is None
        assert decision.policy == "preference"

    def test_nobody_decides(self) -> None:
        decision = ChainPolicy((PreferencePolicy(), CouncilTaxPolicy())).decide(enquiry(), CONTEXT)
        assert decision.local_authority is None
        assert decision.policy == "chain"
        assert len(decision.passed_over) == 2
        with pytest.raises(ValueError, match="unallocated"):
            decision.to_record()


class _Rogue:
    name = "rogue"

    def __init__(self, answer: object) -> None:
        self.answer = answer

    def decide(self, enquiry: Enquiry, context: AllocationContext) -> AllocationDecision:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (RuntimeError("secret value SR1 3AA"), "Policy rogue failed (RuntimeError)"),
        (AllocationDecision("E09000001", "rogue", ("x",)), "chose an LA outside the hub"),
        ("not a decision", "returned no decision"),
    ],
)
def test_misbehaving_policies_become_unallocated(answer: object, reason: str) -> None:
    decision = checked_decision(_Rogue(answer), enquiry(), CONTEXT)
    assert decision.local_authority is None
    assert reason in decision.reasons[0]
    assert "SR1" not in " ".join(decision.reasons)


def test_config_chain_builds_and_allocates_example() -> None:
    allocator = Allocator.from_config(CONFIG)
    handover = Handover.example()
    data = json.loads(handover.model_dump_json())
    sample = Enquiry.model_validate(
        {
            "enquiry_id": "X",
            "received_at": "2024-04-01T10:00",
            "channel": "web",
            "applicants": data["applicants"],
        }
    )
    assert allocator.allocate(sample).local_authority == SUNDERLAND
    assert allocator.history[SUNDERLAND] == 1


def config_with(allocation: str) -> str:
    text = (
        Path(__file__).resolve().parent.parent.joinpath("examples/north-east/hub.toml").read_text()
    )
    start = text.index("[allocation]")
    end = text.index("# Working calendar")
    return text[:start] + allocation + "\n" + text[end:]


def test_unknown_policy_and_bad_options_are_config_errors(tmp_path: Path) -> None:
    text = config_with(
        '[allocation]\nchain = ["preference", "telepathy", "postcode", "balanced"]\n'
        '[allocation.policies.postcode]\non_straddle = "coin_toss"\n'
        "[allocation.policies.balanced.weights]\nE09000001 = 1.0\n"
    )
    path = tmp_path / "hub.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        build_policy(parse_config(text))
    found = {(i.key, i.code) for i in caught.value.issues}
    assert found == {
        ("allocation.chain[1]", "FH-C003"),
        ("allocation.policies.postcode.on_straddle", "FH-S004"),
        ("allocation.policies.balanced", "FH-C004"),
    }


def test_missing_lookup_file_is_reported(tmp_path: Path) -> None:
    text = config_with(
        '[allocation]\nchain = ["postcode"]\n[allocation.policies.postcode]\nlookup = "gone.csv"\n'
    )
    with pytest.raises(ConfigError) as caught:
        build_policy(parse_config(text), base_dir=tmp_path)
    (issue,) = caught.value.issues
    assert issue.code == "FH-C004"
    assert "gone.csv" in issue.message


def test_relative_lookup_is_read_from_base_dir(tmp_path: Path) -> None:
    (tmp_path / "pc.csv").write_text("SR,E08000021\n")
    text = config_with(
        '[allocation]\nchain = ["postcode"]\n[allocation.policies.postcode]\nlookup = "pc.csv"\n'
    )
    allocator = Allocator.from_config(parse_config(text), base_dir=tmp_path)
    assert allocator.decide(enquiry("SR1 3AA")).local_authority == NEWCASTLE


class TestCli:
    def write(self, tmp_path: Path, *enquiries: Enquiry | str) -> str:
        path = tmp_path / "enquiries.ndjson"
        path.write_text(
            "\n".join(e if isinstance(e, str) else e.model_dump_json() for e in enquiries) + "\n"
        )
        return str(path)

    def test_json(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        file = self.write(tmp_path, enquiry(preferred_la=NEWCASTLE), enquiry(None), "{oops")
        assert main(["allocate", file, "--format", "json"]) == 1
        report = json.loads(capsys.readouterr().out)
        assert report["summary"] == {
            "enquiries": 3,
            "invalid": 1,
            "by_local_authority": {NEWCASTLE: 1, "unallocated": 1},
        }
        first, second, third = report["decisions"]
        assert (first["local_authority"], first["policy"]) == (NEWCASTLE, "preference")
        assert second["local_authority"] is None
        assert third["errors"][0]["code"] == "FH-J001"

    def test_text_and_csv(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        file = self.write(tmp_path, enquiry("TS6 7AA"))
        assert main(["allocate", file]) == 0
        out = capsys.readouterr().out
        assert "Middlesbrough (E06000002) by postcode, confidence 50%" in out
        assert "Households per local authority:" in out
        assert main(["allocate", file, "--format", "csv"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith("enquiry_id,file,line,valid,local_authority,policy")
        assert ",E06000002,postcode,0.5," in lines[1]

    def test_bad_config_names_the_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        config = tmp_path / "hub.toml"
        config.write_text(config_with('[allocation]\nchain = ["telepathy"]\n'))
        file = self.write(tmp_path, enquiry())
        assert main(["allocate", file, "--config", str(config)]) == 2
        err = capsys.readouterr().err
        line = next(n for n, t in enumerate(config.read_text().splitlines(), 1) if "telepathy" in t)
        assert f"{config}:{line}: allocation.chain[0]" in err


class TestEntryPoints:
    """The example package under examples/custom_policy registers through an entry point."""

    @pytest.fixture
    def registered(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import importlib.metadata
        import sys

        example = Path(__file__).resolve().parent.parent / "examples/custom_policy/src"
        monkeypatch.syspath_prepend(str(example))
        entry = importlib.metadata.EntryPoint(
            name="sufficiency",
            value="fostering_hub_sufficiency:make_policy",
            group="fostering_hub.allocation_policies",
        )
        real = importlib.metadata.entry_points

        def entry_points(**kwargs: Any) -> Any:
            if kwargs.get("group") == "fostering_hub.allocation_policies":
                return importlib.metadata.EntryPoints([entry])
            return real(**kwargs)

        monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
        monkeypatch.delitem(sys.modules, "fostering_hub_sufficiency", raising=False)

    @pytest.mark.usefixtures("registered")
    def test_usable_by_name_in_the_config(self) -> None:
        from fostering_hub.allocation import available_policies

        assert "sufficiency" in available_policies()
        text = config_with(
            '[allocation]\nchain = ["preference", "sufficiency"]\n'
            "[allocation.policies.sufficiency]\n"
            f"need = {{ {SUNDERLAND} = 2, {DURHAM} = 1 }}\n"
        )
        allocator = Allocator.from_config(parse_config(text))
        chosen = [allocator.allocate(enquiry()).local_authority for _ in range(4)]
        assert chosen == [SUNDERLAND, DURHAM, SUNDERLAND, None]
        assert allocator.allocate(enquiry(preferred_la=NEWCASTLE)).policy == "preference"

    @pytest.mark.usefixtures("registered")
    def test_bad_options_are_config_errors(self) -> None:
        text = config_with(
            '[allocation]\nchain = ["sufficiency"]\n'
            "[allocation.policies.sufficiency]\nneed = { E09000001 = 3 }\n"
        )
        with pytest.raises(ConfigError) as caught:
            build_policy(parse_config(text))
        (issue,) = caught.value.issues
        assert (issue.key, issue.code) == ("allocation.policies.sufficiency", "FH-C004")
        assert "not members" in issue.message
