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
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from blueprints.choices import select_choices
from blueprints.forms import FilterForm, Form
from blueprints.guichet.hours_forms import FrenchDecimalField
from saas.conventions import enums
from saas.errors import ValidationError

PARTY_ROWS = 5
SCHEDULE_ROWS = 4
CHOOSE = ("", "— choisir —")


class DomainForm(Form):
    """A form whose domain errors land on the field they name, including rows.

    ``routes``: (domain prefix, field prefix, rows key or None), tried in order. With a rows key,
    the domain's index (``parties.1.role``: the second party sent) is translated to the row of the
    form it came from (``self.rows[key]``, set when the data is read). Names the routes do not
    match are tried as field names (dots as underscores), then with ``fallback_prefixes``; what is
    left goes to the top of the form.
    """

    routes: tuple[tuple[str, str, str | None], ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows: dict[str, list[int]] = {}
        self.fallback_prefixes: list[str] = []

    def field_for(self, name: str):
        candidates = []
        for domain_prefix, field_prefix, rows_key in self.routes:
            if not name.startswith(domain_prefix):
                continue
            rest = name[len(domain_prefix) :]
            if rows_key:
                index, _, sub = rest.partition(".")
                rows = self.rows.get(rows_key, [])
                if index.isdigit() and int(index) < len(rows) and sub:
                    candidates.append(f"{field_prefix}{rows[int(index)]}_{sub.replace('.', '_')}")
            else:
                candidates.append(f"{field_prefix}{rest.replace('.', '_')}")
            break
        candidates.append(name.replace(".", "_"))
        candidates += [f"{prefix}{name}" for prefix in self.fallback_prefixes]
        for candidate in candidates:
            field = self._fields.get(candidate)
            if field is not None and candidate != "csrf_token":
                return field
        return None

    def add_domain_error(self, error: ValidationError) -> None:
        field = self.field_for(error.field)
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*list(field.errors), error.message]


def _attach(cls, fields: dict) -> None:
    for name, field in fields.items():
        setattr(cls, name, field)


def _required(required: bool, message: str) -> list:
    return [InputRequired(message)] if required else [Optional()]


def _number(label: str, low: int, high: int, message: str, description: str | None = None, default=None):
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(low, high, message)],
        default=default,
        description=description,
    )


def category_choices() -> list[SelectChoice]:
    return [
        SelectChoice(*CHOOSE),
        *(SelectChoice(k, v, optgroup="Livrables") for k, v in enums.DELIVERABLE_CATEGORIES.items()),
        *(SelectChoice(k, v, optgroup="Réunions") for k, v in enums.MEETING_CATEGORIES.items()),
    ]


# --- field sets ------------------------------------------------------------------------------------


def party_fields(prefix: str = "", context: str = "", required: bool = True) -> dict:
    """The fields of one party; ``context`` (« Partie 2 : ») prefixes the labels of a row."""

    def label(text: str) -> str:
        return f"{context}{text}" if context else text[0].upper() + text[1:]

    return {
        f"{prefix}organisation_id": SelectField(
            label("organisation"),
            choices=[],
            validate_choice=False,
            validators=_required(required, "Choisissez une organisation partenaire du territoire."),
        ),
        f"{prefix}role": SelectField(
            label("rôle"), choices=select_choices([CHOOSE, *enums.PARTY_ROLES.items()]), validate_choice=False
        ),
        f"{prefix}signatory": BooleanField(
            label("signataire de la convention"),
            default=True,
            description="Décochez pour un cofinanceur cité sans signer.",
        ),
        f"{prefix}represented_by": StringField(
            label("représentée par"),
            validators=[Optional(), Length(max=200, message="200 caractères au plus.")],
        ),
        f"{prefix}is_guichet": BooleanField(label("cette partie est le guichet du territoire")),
    }


def resource_fields(prefix: str = "", required: bool = True) -> dict:
    return {
        f"{prefix}provider_id": SelectField(
            "Partie qui met à disposition",
            choices=[],
            validate_choice=False,
            validators=_required(required, "Choisissez la partie qui met la personne à disposition."),
        ),
        f"{prefix}label": StringField(
            "Fonction mise à disposition",
            validators=[
                *_required(required, "Indiquez la fonction mise à disposition."),
                Length(max=200, message="200 caractères au plus."),
            ],
        ),
        f"{prefix}fte": FrenchDecimalField(
            "Temps mis à disposition (ETP)",
            places=2,
            validators=_required(required, "Indiquez le temps mis à disposition en ETP (par exemple 0,5)."),
            description="En équivalent temps plein : 0,5 pour un mi-temps.",
        ),
        f"{prefix}person_name": StringField(
            "Nom de la personne", validators=[Optional(), Length(max=200, message="200 caractères au plus.")]
        ),
    }


def obligation_fields(prefix: str = "", required: bool = True) -> dict:
    return {
        f"{prefix}responsible_id": SelectField(
            "Partie responsable",
            choices=[],
            validate_choice=False,
            validators=_required(required, "Choisissez la partie responsable de l'obligation."),
        ),
        f"{prefix}recipient_id": SelectField(
            "Destinataire", choices=[], validate_choice=False, description="Facultatif."
        ),
        f"{prefix}category": SelectField(
            "Nature et catégorie",
            choices=category_choices(),
            validate_choice=False,
            validators=_required(required, "Choisissez la catégorie de l'obligation."),
            description="Un livrable à transmettre ou une réunion à tenir.",
        ),
        f"{prefix}label": StringField(
            "Libellé",
            validators=[Optional(), Length(max=300, message="300 caractères au plus.")],
            description="Par défaut, le libellé de la catégorie.",
        ),
        f"{prefix}cadence": SelectField(
            "Périodicité",
            choices=select_choices([CHOOSE, *enums.CADENCES.items()]),
            validate_choice=False,
            validators=_required(required, "Choisissez la périodicité."),
        ),
        f"{prefix}day_of_month": _number(
            "Jour du mois de l'échéance",
            1,
            28,
            "Le jour du mois est compris entre 1 et 28.",
            "Pour une périodicité mensuelle : 10 pour « le 10 de chaque mois ».",
        ),
        f"{prefix}weekday": SelectField(
            "Jour de la semaine",
            choices=select_choices([("", "—"), *((str(i), day) for i, day in enumerate(enums.WEEKDAYS))]),
            validate_choice=False,
            description="Pour une périodicité hebdomadaire (vendredi par défaut).",
        ),
        f"{prefix}offset_months": _number(
            "Délai après l'échéance (mois)",
            0,
            12,
            "Le délai est compris entre 0 et 12 mois.",
            "Mensuelle : 1 pour « le 10 du mois suivant » (par défaut).",
        ),
        f"{prefix}offset_days": _number(
            "Délai après l'échéance (jours)", 0, 365, "Le délai est compris entre 0 et 365 jours."
        ),
        f"{prefix}event_label": StringField(
            "Événement déclencheur",
            validators=[Optional(), Length(max=100, message="100 caractères au plus.")],
            description="Pour une échéance après un événement annuel : « assemblée générale ».",
        ),
        f"{prefix}event_default_month": SelectField(
            "Mois habituel de l'événement",
            choices=select_choices(
                [("", "—"), *((str(i), name) for i, name in enumerate(enums.MONTHS, start=1))]
            ),
            validate_choice=False,
        ),
        f"{prefix}article": StringField(
            "Article de la convention",
            validators=[Optional(), Length(max=40, message="40 caractères au plus.")],
        ),
    }


def schedule_fields(prefix: str, row: int) -> dict:
    context = f"Échéance {row + 1} : "
    return {
        f"{prefix}{row}_label": StringField(
            f"{context}libellé", validators=[Optional(), Length(max=200, message="200 caractères au plus.")]
        ),
        f"{prefix}{row}_percent": FrenchDecimalField(
            f"{context}pourcentage", places=2, validators=[Optional()], description="Par exemple 40."
        ),
        f"{prefix}{row}_trigger": SelectField(
            f"{context}exigible", choices=select_choices(list(enums.TRIGGERS.items())), validate_choice=False
        ),
        f"{prefix}{row}_offset_days": _number(
            f"{context}délai (jours)", 0, 365, "Le délai est compris entre 0 et 365 jours."
        ),
        f"{prefix}{row}_required_deliverables": SelectMultipleField(
            f"{context}pièces requises",
            choices=select_choices(list(enums.DELIVERABLE_CATEGORIES.items())),
            validate_choice=False,
            description="L'échéance n'est exigible qu'une fois ces livrables de la période reçus.",
        ),
    }


def commitment_fields(prefix: str = "", required: bool = True) -> dict:
    fields = {
        f"{prefix}payer_id": SelectField(
            "Payeur",
            choices=[],
            validate_choice=False,
            validators=_required(required, "Choisissez la partie qui paie."),
        ),
        f"{prefix}payee_id": SelectField(
            "Bénéficiaire",
            choices=[],
            validate_choice=False,
            validators=_required(required, "Choisissez la partie bénéficiaire."),
        ),
        f"{prefix}label": StringField(
            "Objet de l'engagement",
            validators=[
                *_required(required, "Indiquez l'objet de l'engagement financier."),
                Length(max=200, message="200 caractères au plus."),
            ],
        ),
        f"{prefix}basis": SelectField(
            "Base", choices=select_choices(list(enums.COMMITMENT_BASES.items())), validate_choice=False
        ),
        f"{prefix}amount": FrenchDecimalField(
            "Montant forfaitaire (€)",
            places=2,
            validators=[Optional()],
            description="Pour un montant forfaitaire, par période.",
        ),
        f"{prefix}rate_per_post": FrenchDecimalField(
            "Montant par poste à temps plein (€)", places=2, validators=[Optional()]
        ),
        f"{prefix}posts_fte": FrenchDecimalField(
            "Postes à temps plein travaillés sur la fonction",
            places=2,
            validators=[Optional()],
            description="Pour un montant par poste : 0,8 pour un poste à 80 %.",
        ),
        f"{prefix}recurrence": SelectField(
            "Récurrence",
            choices=select_choices(list(enums.RECURRENCES.items())),
            default="each_period",
            validate_choice=False,
        ),
        f"{prefix}article": StringField(
            "Article de la convention",
            validators=[Optional(), Length(max=40, message="40 caractères au plus.")],
        ),
    }
    for row in range(SCHEDULE_ROWS):
        fields.update(schedule_fields(f"{prefix}line_", row))
    return fields


def _check_schedule(form, prefix: str) -> bool:
    """A started instalment row needs its label and its percentage."""
    ok = True
    for row in range(SCHEDULE_ROWS):
        label, share = form[f"{prefix}line_{row}_label"], form[f"{prefix}line_{row}_percent"]
        if not (label.data or share.data is not None):
            continue
        if not label.data:
            label.errors = [*list(label.errors), "Indiquez le libellé de l'échéance."]
            ok = False
        if share.data is None and not share.errors:
            share.errors = [*list(share.errors), "Indiquez le pourcentage de l'échéance."]
            ok = False
    return ok


# --- the convention --------------------------------------------------------------------------------


class ConventionForm(DomainForm):
    routes = (("parties.", "party_", "party"),)

    reference = StringField(
        "Référence",
        validators=[
            InputRequired("Indiquez la référence de la convention."),
            Length(max=40, message="40 caractères au plus."),
        ],
        description="Unique dans le territoire, par exemple CD93-2025.",
    )
    title = StringField(
        "Intitulé",
        validators=[
            InputRequired("Indiquez l'intitulé de la convention."),
            Length(max=300, message="300 caractères au plus."),
        ],
    )
    kind = SelectField(
        "Type de convention",
        choices=select_choices([CHOOSE, *enums.KINDS.items()]),
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
    signed_at_place = StringField(
        "Lieu de signature", validators=[Optional(), Length(max=120, message="120 caractères au plus.")]
    )
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
    period_months = _number(
        "Durée d'une période (mois)",
        1,
        60,
        "La durée d'une période est comprise entre 1 et 60 mois.",
        "Reconduction tacite : 12 pour une convention annuelle.",
        default=12,
    )
    max_renewals = _number(
        "Nombre maximal de reconductions",
        0,
        50,
        "Le nombre de reconductions est compris entre 0 et 50.",
        "Laissez vide : reconduite sans limite.",
    )
    notice_months = _number(
        "Préavis de dénonciation (mois avant l'échéance)",
        0,
        12,
        "Le préavis est compris entre 0 et 12 mois.",
        "0 : la dénonciation est possible jusqu'au jour de l'échéance.",
        default=0,
    )
    objecting_party_id = SelectField(
        "Seule partie pouvant dénoncer",
        choices=[],
        validate_choice=False,
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
    _attach(ConventionForm, party_fields(f"party_{_row}_", f"Partie {_row + 1} : ", required=False))


class SignForm(DomainForm):
    signed_on = DateField("Date de signature", validators=[InputRequired("Indiquez la date de signature.")])
    place = StringField(
        "Lieu de signature", validators=[Optional(), Length(max=120, message="120 caractères au plus.")]
    )


class PartyForm(DomainForm):
    routes = (("party.", "", None),)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.role.data:
            self.role.errors = [*list(self.role.errors), "Choisissez le rôle de la partie."]
            ok = False
        return ok


_attach(PartyForm, party_fields())


class ResourceForm(DomainForm):
    routes = (("resource.", "", None),)


_attach(ResourceForm, resource_fields())


class CommitmentForm(DomainForm):
    routes = (("commitment.schedule.", "line_", "line"), ("commitment.", "", None))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return _check_schedule(self, "") and ok


_attach(CommitmentForm, commitment_fields())


class ObligationForm(DomainForm):
    routes = (("obligation.", "", None),)


_attach(ObligationForm, obligation_fields())


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
    object = TextAreaField(
        "Nouvel objet", validators=[Optional()], description="Facultatif : laissez vide s'il ne change pas."
    )
    notice_months = _number(
        "Nouveau préavis de dénonciation (mois)",
        0,
        12,
        "Le préavis est compris entre 0 et 12 mois.",
        "Facultatif : laissez vide s'il ne change pas.",
    )
    max_renewals = _number(
        "Nouveau nombre maximal de reconductions",
        0,
        50,
        "Le nombre de reconductions est compris entre 0 et 50.",
        "Facultatif : laissez vide s'il ne change pas.",
    )
    unlimited_renewals = BooleanField("Désormais reconduite sans limite")
    close_obligations = SelectMultipleField(
        "Obligations closes", choices=[], coerce=int, validate_choice=False
    )
    close_commitments = SelectMultipleField(
        "Engagements financiers clos", choices=[], coerce=int, validate_choice=False
    )
    close_resources = SelectMultipleField("Moyens clos", choices=[], coerce=int, validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.unlimited_renewals.data and self.max_renewals.data is not None:
            self.max_renewals.errors = [
                *list(self.max_renewals.errors),
                "Indiquez un nombre maximal ou « sans limite », pas les deux.",
            ]
            ok = False
        if self.commitment_payer_id.data:
            ok = _check_schedule(self, "commitment_") and ok
        return ok


_attach(AmendForm, obligation_fields("obligation_", required=False))
_attach(AmendForm, commitment_fields("commitment_", required=False))


class ObjectionForm(DomainForm):
    party_id = SelectField(
        "Partie qui dénonce",
        choices=[],
        validate_choice=False,
        validators=[InputRequired("Choisissez la partie qui dénonce la convention.")],
    )
    received_on = DateField(
        "Reçue le", validators=[InputRequired("Indiquez la date de réception de la dénonciation.")]
    )
    reason = TextAreaField(
        "Motif", validators=[Optional(), Length(max=500, message="500 caractères au plus.")]
    )


class TerminationForm(DomainForm):
    terminated_on = DateField(
        "Date de résiliation", validators=[InputRequired("Indiquez la date de résiliation.")]
    )
    reason = TextAreaField(
        "Motif de la résiliation",
        validators=[
            InputRequired("Indiquez le motif de la résiliation."),
            Length(max=500, message="500 caractères au plus."),
        ],
    )


class DocumentForm(DomainForm):
    kind = SelectField("Type de document", choices=select_choices(list(enums.DOCUMENT_KINDS.items())))
    title = StringField(
        "Titre",
        validators=[Optional(), Length(max=200, message="200 caractères au plus.")],
        description="Par défaut, le type de document.",
    )
    file = FileField(
        "Fichier",
        validators=[FileRequired("Choisissez le fichier à déposer.")],
        description="PDF, PNG ou JPEG, 15 Mo au plus.",
    )


class PaymentForm(DomainForm):
    paid_on = DateField("Payé le", validators=[InputRequired("Indiquez la date du paiement.")])
    reference = StringField(
        "Référence du paiement",
        validators=[Optional(), Length(max=100, message="100 caractères au plus.")],
        description="Facultatif : numéro de mandat, de virement…",
    )
    amount = FrenchDecimalField(
        "Montant payé (€)",
        places=2,
        validators=[Optional()],
        description="Le montant de l'échéance : un paiement la solde entièrement.",
    )


# --- filters ---------------------------------------------------------------------------------------


class TermsDateForm(FilterForm):
    date = DateField("Termes en vigueur au", validators=[Optional()])


class ConventionFilterForm(FilterForm):
    type = SelectField("Type", choices=select_choices([("", "Tous"), *enums.KINDS.items()]))
    statut = SelectField("Statut", choices=select_choices([("", "Tous"), *enums.CONVENTION_STATUSES.items()]))
    partenaire = SelectField("Partie", choices=[], validate_choice=False)


class InstalmentFilterForm(FilterForm):
    statut = SelectField("Statut", choices=select_choices([("", "Tous"), *enums.INSTALMENT_STATUSES.items()]))
    convention = SelectField("Convention", choices=[], validate_choice=False)
    payeur = SelectField("Payeur", choices=[], validate_choice=False)
