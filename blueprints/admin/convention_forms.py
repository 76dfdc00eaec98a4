"""Forms of the conventions console: the convention, its completion while unsigned (party,
resource, commitment with its instalments, obligation), signature, avenant, objection,
termination, documents, payments, and the filters of the lists.

Repeated parts (the parties of a new convention, the instalments of a commitment) are a fixed
number of rows of plain fields (``party_0_role``, ``line_2_percent``…): no script is needed to add
rows, empty rows are ignored, and each field has its own label in the error summary. The rules
(a convention binds two parties, instalments add up to 100 %, dates…) are checked by
``saas.conventions.api``: :class:`DomainForm` puts its errors on the field they name.
"""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from blueprints.admin.convention_fields import (
    CHOOSE,
    PARTY_ROWS,
    DomainForm,
    attach,
    check_schedule,
    commitment_fields,
    decimal_field,
    number_field,
    obligation_fields,
    party_fields,
    resource_fields,
    text_field,
)
from blueprints.choices import select_choices
from blueprints.forms import FilterForm, choice_field
from saas import uploads
from saas.conventions import bounds as term_bounds
from saas.conventions import enums

#: the help of a field of an avenant that changes a term only when filled in
UNCHANGED = "Facultatif : laissez vide s'il ne change pas."


# --- the convention --------------------------------------------------------------------------------


class ConventionForm(DomainForm):
    routes = (("parties.", "party_", "party"),)

    reference = text_field(
        "Référence",
        40,
        "Indiquez la référence de la convention.",
        description="Unique dans le territoire, par exemple CD93-2025.",
    )
    title = text_field("Intitulé", 300, "Indiquez l'intitulé de la convention.")
    kind = SelectField(
        "Type de convention",
        choices=select_choices([CHOOSE, *enums.Kind.choices()]),
        validators=[InputRequired("Choisissez le type de convention.")],
    )
    effective_on = DateField(
        "Prise d'effet", validators=[InputRequired("Indiquez la date de prise d'effet.")]
    )
    signed_on = DateField(
        "Date de signature",
        validators=[Optional()],
        description="Laissez vide tant qu'elle n'est pas signée : la convention est alors un brouillon, "
        "que l'on peut encore compléter.",
    )
    signed_at_place = text_field("Lieu de signature", 120)
    object = TextAreaField("Objet", validators=[InputRequired("Indiquez l'objet de la convention.")])
    duration_kind = RadioField(
        "Durée",
        choices=select_choices(
            [
                ("fixed", "Durée déterminée (jusqu'à une date de fin)"),
                ("tacit", "Par périodes reconduites tacitement"),
            ]
        ),
        validators=[InputRequired("Choisissez la durée de la convention.")],
    )
    end_on = DateField(
        "Date de fin", validators=[Optional()], description="Obligatoire pour une durée déterminée."
    )
    period_months = number_field(
        "Durée d'une période (mois)",
        term_bounds.PERIOD_MONTHS,
        "Reconduction tacite : 12 pour une convention annuelle.",
        default=term_bounds.DEFAULT_PERIOD_MONTHS,
    )
    max_renewals = number_field(
        "Nombre maximal de reconductions",
        term_bounds.MAX_RENEWALS,
        "Laissez vide : reconduite sans limite.",
    )
    notice_months = number_field(
        "Préavis de dénonciation (mois avant l'échéance)",
        term_bounds.NOTICE_MONTHS,
        "0 : la dénonciation est possible jusqu'au jour de l'échéance.",
        default=0,
    )
    objecting_party_id = choice_field(
        "Seule partie pouvant dénoncer",
        description="Facultatif : laissez « toute partie » si chacune peut mettre fin à la convention à "
        "son échéance. L'organisation choisie doit être l'une des parties ci-dessous.",
    )
    amendments_at_renewal_only = BooleanField("Modifiable par avenant seulement au moment du renouvellement")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for row in range(PARTY_ROWS):
            role = self[f"party_{row}_role"]
            if self[f"party_{row}_organisation_id"].data and not role.data:
                role.errors = [*list(role.errors), "Choisissez le rôle de la partie."]
                ok = False
        return ok


for _row in range(PARTY_ROWS):
    attach(ConventionForm, party_fields(f"party_{_row}_", f"Partie {_row + 1} : ", required=False))


class SignForm(DomainForm):
    signed_on = DateField("Date de signature", validators=[InputRequired("Indiquez la date de signature.")])
    place = text_field("Lieu de signature", 120)


class PartyForm(DomainForm):
    routes = (("party.", "", None),)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.role.data:
            self.role.errors = [*list(self.role.errors), "Choisissez le rôle de la partie."]
            ok = False
        return ok


attach(PartyForm, party_fields())


class ResourceForm(DomainForm):
    routes = (("resource.", "", None),)


attach(ResourceForm, resource_fields())


class CommitmentForm(DomainForm):
    routes = (("commitment.schedule.", "line_", "line"), ("commitment.", "", None))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return check_schedule(self, "") and ok


attach(CommitmentForm, commitment_fields())


class ObligationForm(DomainForm):
    routes = (("obligation.", "", None),)


attach(ObligationForm, obligation_fields())


class AmendForm(DomainForm):
    """An avenant: its dates and summary, duration terms that change, what it closes and what it adds."""

    routes = (
        ("add.obligations.0.", "obligation_", None),
        ("add.commitments.0.schedule.", "commitment_line_", "line"),
        ("add.commitments.0.", "commitment_", None),
    )

    signed_on = DateField(
        "Date de signature de l'avenant",
        validators=[InputRequired("Indiquez la date de signature de l'avenant.")],
    )
    effective_from = DateField(
        "Prend effet le", validators=[InputRequired("Indiquez la date d'effet de l'avenant.")]
    )
    summary = TextAreaField(
        "Ce que change l'avenant", validators=[InputRequired("Décrivez ce que change l'avenant.")]
    )
    object = TextAreaField("Nouvel objet", validators=[Optional()], description=UNCHANGED)
    notice_months = number_field(
        "Nouveau préavis de dénonciation (mois)", term_bounds.NOTICE_MONTHS, UNCHANGED
    )
    max_renewals = number_field(
        "Nouveau nombre maximal de reconductions", term_bounds.MAX_RENEWALS, UNCHANGED
    )
    unlimited_renewals = BooleanField("Désormais reconduite sans limite")
    close_obligations = choice_field("Obligations closes", multiple=True, coerce=int)
    close_commitments = choice_field("Engagements financiers clos", multiple=True, coerce=int)
    close_resources = choice_field("Moyens clos", multiple=True, coerce=int)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.unlimited_renewals.data and self.max_renewals.data is not None:
            self.max_renewals.errors = [
                *list(self.max_renewals.errors),
                "Indiquez un nombre maximal ou « sans limite », pas les deux.",
            ]
            ok = False
        if self.commitment_payer_id.data:
            ok = check_schedule(self, "commitment_") and ok
        return ok


attach(AmendForm, obligation_fields("obligation_", required=False))
attach(AmendForm, commitment_fields("commitment_", required=False))


class ObjectionForm(DomainForm):
    party_id = choice_field(
        "Partie qui dénonce", [InputRequired("Choisissez la partie qui dénonce la convention.")]
    )
    received_on = DateField(
        "Reçue le", validators=[InputRequired("Indiquez la date de réception de la dénonciation.")]
    )
    reason = text_field("Motif", 500, kind=TextAreaField)


class TerminationForm(DomainForm):
    terminated_on = DateField(
        "Date de résiliation", validators=[InputRequired("Indiquez la date de résiliation.")]
    )
    reason = text_field(
        "Motif de la résiliation", 500, "Indiquez le motif de la résiliation.", kind=TextAreaField
    )


class DocumentForm(DomainForm):
    kind = SelectField("Type de document", choices=select_choices(enums.DocumentKind.choices()))
    title = text_field("Titre", 200, description="Par défaut, le type de document.")
    file = FileField(
        "Fichier",
        validators=[FileRequired("Choisissez le fichier à déposer.")],
        description="PDF, PNG ou JPEG, 15 Mo au plus.",
        render_kw=uploads.CONVENTION_DOCUMENT.render_kw(),
    )


class PaymentForm(DomainForm):
    paid_on = DateField("Payé le", validators=[InputRequired("Indiquez la date du paiement.")])
    reference = text_field(
        "Référence du paiement", 100, description="Facultatif : numéro de mandat, de virement…"
    )
    amount = decimal_field("Montant payé (€)", "Le montant de l'échéance : un paiement la solde entièrement.")


# --- filters ---------------------------------------------------------------------------------------


class TermsDateForm(FilterForm):
    date = DateField("Termes en vigueur au", validators=[Optional()])


class ConventionFilterForm(FilterForm):
    type = SelectField("Type", choices=select_choices(enums.Kind.choices("Tous")))
    statut = SelectField("Statut", choices=select_choices(enums.ConventionStatus.choices("Tous")))
    partenaire = choice_field("Partie")


class InstalmentFilterForm(FilterForm):
    statut = SelectField("Statut", choices=select_choices(enums.InstalmentStatus.choices("Tous")))
    convention = choice_field("Convention")
    payeur = choice_field("Payeur")
