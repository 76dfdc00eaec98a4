"""What the schemas of the conventions dump, prepared by the API (a schema runs no query): the
names of the organisations an object links, a commitment's schedule, whether an objection came
late, the terms in force with all of these."""

from __future__ import annotations

from saas.conventions import api as conventions
from saas.conventions.models import (
    ConventionObjection,
    ConventionParty,
    ConventionResource,
    FinancialCommitment,
    Obligation,
)
from saas.schemas import Prepared


def _name(obj, organisation_id: int | None) -> str | None:
    return conventions.organisation_name(obj.tenant_id, organisation_id)


def present_party(party: ConventionParty) -> Prepared:
    return Prepared(party, organisation=_name(party, party.organisation_id))


def present_resource(resource: ConventionResource) -> Prepared:
    return Prepared(resource, provider=_name(resource, resource.provider_id))


def present_commitment(commitment: FinancialCommitment) -> Prepared:
    return Prepared(
        commitment,
        payer=_name(commitment, commitment.payer_id),
        payee=_name(commitment, commitment.payee_id),
        schedule=conventions.schedule_lines_of(commitment.id),
        period_amount=conventions.commitment_amount(commitment),
    )


def present_obligation(obligation: Obligation) -> Prepared:
    return Prepared(
        obligation,
        responsible=_name(obligation, obligation.responsible_id),
        recipient=_name(obligation, obligation.recipient_id),
    )


def present_objection(objection: ConventionObjection) -> Prepared:
    convention = conventions.get(objection.convention_id)
    assert convention is not None, "the convention of an objection exists (foreign key)"
    return Prepared(
        objection,
        party=_name(objection, objection.party_id),
        late=conventions.objection_was_late(objection, convention),
    )


def present_terms(in_force: conventions.TermsInForce) -> Prepared:
    """What ``TermsInForceSchema`` dumps: the terms and their resources, commitments and
    obligations, prepared."""
    return Prepared(
        in_force.terms,
        resources=[present_resource(r) for r in in_force.resources],
        commitments=[present_commitment(c) for c in in_force.commitments],
        obligations=[present_obligation(o) for o in in_force.obligations],
    )


def present_instalment(instalment: conventions.Instalment | None) -> Prepared | None:
    return None if instalment is None else present_instalments([instalment])[0]


def present_instalments(instalments: list[conventions.Instalment]) -> list[Prepared]:
    """The instalments with the names of their payer and payee (one query for them all)."""
    if not instalments:
        return []
    commitments = [instalment.commitment for instalment in instalments]
    names = conventions.organisation_names(
        instalments[0].convention.tenant_id,
        {c.payer_id for c in commitments} | {c.payee_id for c in commitments},
    )
    return [
        Prepared(
            instalment,
            payeur=names.get(instalment.commitment.payer_id),
            beneficiaire=names.get(instalment.commitment.payee_id),
        )
        for instalment in instalments
    ]
