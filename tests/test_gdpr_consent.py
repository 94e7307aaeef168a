"""Consent and lawful basis: ``may_process``, withdrawal, the ``[consent]`` config."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from fostering_hub.config import (
    ConfigError,
    ConsentSection,
    Duration,
    DurationUnit,
    default_config_path,
    load_config,
    parse_config,
)
from fostering_hub.gdpr import (
    WITHDRAWAL_ONLY_VERSION,
    ConsentPolicy,
    ConsentRule,
    DecisionCode,
    may_process,
    withdraw_consent,
)
from fostering_hub.models import ConsentPurpose, ConsentRecord, Enquiry, Handover, LawfulBasis

UTC = dt.UTC


def consent(purpose: str = "keep_in_touch", **fields: Any) -> ConsentRecord:
    data: dict[str, Any] = {
        "purpose": purpose,
        "lawful_basis": "consent",
        "policy_version": "2024-01",
        "given_at": "2024-01-10T10:00:00Z",
        "means": "web_form",
    }
    data.update(fields)
    return ConsentRecord.model_validate(data)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# --------------------------------------------------------------------------- defaults


def test_default_policy_follows_the_sources() -> None:
    policy = ConsentPolicy()
    # Keeping in touch with people who did not apply needs their permission (FN 2023).
    assert policy.basis_for(ConsentPurpose.KEEP_IN_TOUCH) is LawfulBasis.CONSENT
    assert policy.basis_for(ConsentPurpose.MARKETING) is LawfulBasis.CONSENT
    # Public authorities use public task for their tasks (Art 6(1)(e)).
    assert policy.basis_for(ConsentPurpose.CONTACT_ABOUT_ENQUIRY) is LawfulBasis.PUBLIC_TASK
    assert policy.basis_for(ConsentPurpose.SHARE_WITH_LA) is LawfulBasis.PUBLIC_TASK
    assert "Fostering Network" in policy.source
    assert policy == ConsentPolicy.from_config(load_config())


def test_public_task_needs_no_record() -> None:
    decision = may_process([], "contact_about_enquiry", at("2024-05-01T09:00:00+01:00"))
    assert decision.allowed
    assert bool(decision)
    assert decision.rule is ConsentRule.PUBLIC_TASK
    assert decision.code is DecisionCode.PUBLIC_TASK
    assert decision.basis is LawfulBasis.PUBLIC_TASK
    assert "6(1)(e)" in decision.reason


def test_consent_purpose_without_consent_is_refused() -> None:
    decision = may_process([], "keep_in_touch", at("2024-05-01T09:00:00+01:00"))
    assert not decision
    assert decision.code is DecisionCode.NO_CONSENT
    assert "6(1)(a)" in decision.reason


def test_consent_in_force_names_the_record() -> None:
    records = [consent("marketing"), consent("keep_in_touch")]
    decision = may_process(records, "keep_in_touch", at("2024-05-01T09:00:00+01:00"))
    assert decision.allowed
    assert decision.code is DecisionCode.CONSENT_IN_FORCE
    assert decision.record_index == 1
    assert decision.record == records[1]
    assert "record 1" in decision.reason
    assert decision.as_dict()["record_index"] == 1


def test_consent_given_later_does_not_count_yet() -> None:
    decision = may_process([consent()], "keep_in_touch", at("2024-01-10T09:59:59Z"))
    assert decision.code is DecisionCode.NO_CONSENT


def test_a_notice_under_another_basis_is_not_consent() -> None:
    records = [consent("marketing", lawful_basis="public_task")]
    decision = may_process(records, "marketing", at("2024-05-01T09:00:00Z"))
    assert not decision
    assert decision.code is DecisionCode.OTHER_BASIS
    assert decision.record_index == 0


def test_unconfigured_purpose_is_refused() -> None:
    policy = ConsentPolicy(consent_required={"keep_in_touch"}, public_task=set())
    decision = may_process(
        [consent("research")], "research", at("2024-05-01T09:00Z"), policy=policy
    )
    assert not decision
    assert decision.rule is ConsentRule.NOT_CONFIGURED


def test_the_policy_comes_from_the_config() -> None:
    text = load_config().model_dump(mode="json")
    text["consent"] = {"consent_required": ["research"], "public_task": ["marketing"]}
    config = load_config().model_validate(text)
    policy = ConsentPolicy.from_config(config)
    assert may_process([], "marketing", at("2024-05-01T09:00Z"), policy=policy).allowed
    assert not may_process([], "keep_in_touch", at("2024-05-01T09:00Z"), policy=policy).allowed


def test_config_refuses_a_purpose_in_both_lists() -> None:
    with pytest.raises(ValidationError, match="both need consent"):
        ConsentSection(consent_required=["marketing"], public_task=["marketing"])
    with pytest.raises(ValidationError, match="listed twice"):
        ConsentSection(consent_required=["marketing", "marketing"], public_task=[])
    with pytest.raises(ValueError, match="both"):
        ConsentPolicy(consent_required={"marketing"}, public_task={"marketing"})


def test_config_section_in_toml_has_line_numbers() -> None:
    text = default_config_path().read_text(encoding="utf-8")
    text = text.replace('public_task = ["contact_about_enquiry"', 'public_task = ["keep_in_touch"')
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "hub.toml")
    issue = caught.value.issues[0]
    assert issue.key.startswith("consent.")
    assert issue.line is not None
    assert issue.code == "FH-M008"


# --------------------------------------------------------------------------- withdrawal


def test_withdrawn_then_given_again() -> None:
    records = [
        consent(withdrawn_at="2024-03-01T12:00:00Z", withdrawal_means="phone"),
        consent(given_at="2024-06-01T12:00:00Z", means="event"),
    ]
    before = may_process(records, "keep_in_touch", at("2024-02-01T00:00Z"))
    assert before.allowed
    assert before.record_index == 0
    during = may_process(records, "keep_in_touch", at("2024-04-01T00:00Z"))
    assert not during
    assert during.code is DecisionCode.WITHDRAWN
    assert during.record_index == 0
    # Withdrawal takes effect at its instant.
    assert not may_process(records, "keep_in_touch", at("2024-03-01T12:00:00Z"))
    assert may_process(records, "keep_in_touch", at("2024-03-01T11:59:59Z"))
    after = may_process(records, "keep_in_touch", at("2024-06-02T00:00Z"))
    assert after.allowed
    assert after.record_index == 1


def test_withdraw_records_when_and_how() -> None:
    records = (consent(), consent("marketing"))
    when = at("2024-04-01T10:00:00+01:00")
    updated = withdraw_consent(records, "keep_in_touch", at=when, means="email")
    assert isinstance(updated, tuple)
    assert updated[0].withdrawn_at == when
    assert updated[0].withdrawal_means is not None
    assert updated[0].withdrawal_means.value == "email"
    assert updated[1] == records[1]  # other purposes untouched
    assert records[0].withdrawn_at is None  # a copy, never in place
    assert not may_process(updated, "keep_in_touch", when)
    assert may_process(updated, "keep_in_touch", when - dt.timedelta(seconds=1))


def test_withdraw_then_give_again_on_an_enquiry() -> None:
    enquiry = Enquiry.model_validate(
        {
            "enquiry_id": "NE-1",
            "received_at": "2024-01-10T09:00:00Z",
            "channel": "web",
            "applicants": [{"first_name": "Alex", "last_name": "Example"}],
            "consents": [consent().model_dump()],
        }
    )
    withdrawn = withdraw_consent(
        enquiry, "keep_in_touch", at=at("2024-02-01T09:00Z"), means="phone"
    )
    assert isinstance(withdrawn, Enquiry)
    assert not may_process(withdrawn, "keep_in_touch", at("2024-03-01T09:00Z"))
    again = withdrawn.model_copy(
        update={"consents": [*withdrawn.consents, consent(given_at="2024-04-01T09:00:00Z")]}
    )
    assert may_process(again, "keep_in_touch", at("2024-04-02T09:00Z")).record_index == 1
    # Withdrawing again marks only the record in force.
    twice = withdraw_consent(again, "keep_in_touch", at=at("2024-05-01T09:00Z"), means="email")
    assert twice.consents[0].withdrawn_at == at("2024-02-01T09:00Z")
    assert twice.consents[1].withdrawn_at == at("2024-05-01T09:00Z")


def test_objection_without_a_record_is_kept() -> None:
    handover = Handover.example()
    when = at("2024-06-01T09:00:00+01:00")
    objected = withdraw_consent(handover, "contact_about_enquiry", at=when, means="letter")
    assert isinstance(objected, Handover)
    added = objected.consents[-1]
    assert added.policy_version == WITHDRAWAL_ONLY_VERSION
    assert added.lawful_basis is LawfulBasis.PUBLIC_TASK
    assert added.given_at == added.withdrawn_at == when
    decision = may_process(objected, "contact_about_enquiry", when)
    assert not decision
    assert decision.code is DecisionCode.OBJECTED
    assert may_process(objected, "contact_about_enquiry", when - dt.timedelta(minutes=1))


def test_withdrawal_means_needs_a_withdrawal() -> None:
    with pytest.raises(ValidationError, match="withdrawal_means"):
        consent(withdrawal_means="phone")


# --------------------------------------------------------------------------- expiry


def test_expiry_at_midnight_when_bst_starts() -> None:
    # Midnight London on 31 March 2024 is still GMT; BST starts at 01:00 GMT that night.
    record = consent(expires_at="2024-03-31T00:00:00")
    assert record.expires_at == dt.datetime(2024, 3, 31, tzinfo=UTC)
    assert may_process([record], "keep_in_touch", at("2024-03-30T23:59:59+00:00"))
    expired = may_process([record], "keep_in_touch", at("2024-03-31T00:00:00+00:00"))
    assert not expired
    assert expired.code is DecisionCode.EXPIRED
    # Naive "at" is London time too: 00:30 London on the 31st is after the expiry.
    assert not may_process([record], "keep_in_touch", dt.datetime(2024, 3, 31, 0, 30))
    assert not may_process([record], "keep_in_touch", dt.datetime(2024, 3, 31, 2, 30))


def test_expiry_at_midnight_in_bst() -> None:
    # Midnight London on 27 October 2024 is BST (23:00 UTC the day before).
    record = consent(expires_at="2024-10-27T00:00:00")
    assert record.expires_at == dt.datetime(2024, 10, 26, 23, tzinfo=UTC)
    assert may_process([record], "keep_in_touch", at("2024-10-26T22:59:59Z"))
    assert not may_process([record], "keep_in_touch", at("2024-10-26T23:00:00Z"))
    assert not may_process([record], "keep_in_touch", dt.datetime(2024, 10, 27, 0, 0))
    assert may_process([record], "keep_in_touch", dt.datetime(2024, 10, 26, 23, 59, 59))


def test_reconfirm_after_lapses_consent_without_expiry() -> None:
    policy = ConsentPolicy(reconfirm_after=Duration(2, DurationUnit.YEARS))
    record = consent(given_at="2024-02-29T10:00:00Z")
    assert may_process([record], "marketing", at("2025-01-01T00:00Z"), policy=policy).code is (
        DecisionCode.NO_CONSENT
    )
    assert may_process([record], "keep_in_touch", at("2026-02-28T09:59Z"), policy=policy)
    lapsed = may_process([record], "keep_in_touch", at("2026-02-28T10:00Z"), policy=policy)
    assert lapsed.code is DecisionCode.LAPSED
    # Its own expiry wins over the policy's period.
    own = consent(given_at="2024-02-29T10:00:00Z", expires_at="2030-01-01T00:00:00Z")
    assert may_process([own], "keep_in_touch", at("2027-01-01T00:00Z"), policy=policy)


def test_public_task_purpose_ignores_expiry_but_not_objection() -> None:
    record = consent("share_with_la", lawful_basis="public_task", expires_at="2024-02-01T00:00Z")
    assert may_process([record], "share_with_la", at("2024-06-01T00:00Z")).allowed
    objected = withdraw_consent(
        [record], "share_with_la", at=at("2024-07-01T00:00Z"), means="email"
    )
    assert len(objected) == 1  # the withdrawal is recorded on the expired record
    decision = may_process(objected, "share_with_la", at("2024-07-01T00:00Z"))
    assert decision.code is DecisionCode.OBJECTED


def test_reasons_hold_no_personal_data() -> None:
    handover = Handover.example()
    dumped = handover.model_dump(mode="json")
    secrets = [dumped["applicants"][0][k] for k in ("first_name", "last_name", "phone", "email")]
    for purpose in ConsentPurpose:
        decision = may_process(handover, purpose, at("2024-06-01T00:00Z"))
        text = f"{decision!r} {decision.as_dict()}"
        assert not any(secret in text for secret in secrets)
