"""The field sets of the conventions console: a party, a resource, an obligation and its cadence,
a commitment with a fixed number of instalment rows; and :class:`DomainForm`, which puts the
domain's errors on the field (or the row) they name. Bounds and their messages are the domain's
(``saas.conventions.bounds``)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from blueprints.choices import select_choices
from blueprints.forms import Form, choice_field
from blueprints.guichet.hours_forms import FrenchDecimalField
from saas import formats
from saas.conventions import bounds as term_bounds
from saas.conventions import enums
from saas.conventions.bounds import Bound
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
        """:meth:`Form.add_domain_error`, each domain name read as the field :meth:`field_for` finds."""

        def form_name(name: str) -> str:
            field = self.field_for(name)
            return field.short_name if field is not None else name

        super().add_domain_error(error.renamed(form_name))


def attach(cls, fields: dict) -> None:
    for name, field in fields.items():
        setattr(cls, name, field)


def _required(required: bool, message: str) -> list:
    return [InputRequired(message)] if required else [Optional()]


def text_field(
    label: str, most: int, required: str | None = None, *, kind=StringField, description: str = ""
):
    """A text of ``most`` characters at the most; ``required`` is the message when it is left empty
    (None: it may be). ``kind``: ``TextAreaField`` for a text on several lines."""
    needed = [InputRequired(required)] if required else [Optional()]
    return kind(
        label,
        validators=[*needed, Length(max=most, message=f"{most} caractères au plus.")],
        description=description,
    )


def decimal_field(label: str, description: str = "", validators: list | None = None):
    """A number with two decimals, written the French way (``0,5``); optional unless ``validators``."""
    return FrenchDecimalField(label, places=2, validators=validators or [Optional()], description=description)


def number_field(label: str, bound: Bound, description: str | None = None, default=None):
    """An optional integer within the domain's ``bound``, refused with its message."""
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(bound.low, bound.high, bound.message)],
        default=default,
        description=description,
    )


def category_choices() -> list[SelectChoice]:
    return [
        SelectChoice(*CHOOSE),
        *(SelectChoice(k, v, optgroup="Livrables") for k, v in enums.DeliverableCategory.choices()),
        *(SelectChoice(k, v, optgroup="Réunions") for k, v in enums.MeetingCategory.choices()),
    ]


# --- field sets ------------------------------------------------------------------------------------


def party_fields(prefix: str = "", context: str = "", required: bool = True) -> dict:
    """The fields of one party; ``context`` (« Partie 2 : ») prefixes the labels of a row."""

    def label(text: str) -> str:
        return f"{context}{text}" if context else text[0].upper() + text[1:]

    return {
        f"{prefix}organisation_id": choice_field(
            label("organisation"),
            _required(required, "Choisissez une organisation partenaire du territoire."),
        ),
        f"{prefix}role": SelectField(
            label("rôle"), choices=select_choices([CHOOSE, *enums.PartyRole.choices()]), validate_choice=False
        ),
        f"{prefix}signatory": BooleanField(
            label("signataire de la convention"),
            default=True,
            description="Décochez pour un cofinanceur cité sans signer.",
        ),
        f"{prefix}represented_by": text_field(label("représentée par"), 200),
        f"{prefix}is_guichet": BooleanField(label("cette partie est le guichet du territoire")),
    }


def resource_fields(prefix: str = "", required: bool = True) -> dict:
    return {
        f"{prefix}provider_id": choice_field(
            "Partie qui met à disposition",
            _required(required, "Choisissez la partie qui met la personne à disposition."),
        ),
        f"{prefix}label": text_field(
            "Fonction mise à disposition",
            200,
            "Indiquez la fonction mise à disposition." if required else None,
        ),
        f"{prefix}fte": decimal_field(
            "Temps mis à disposition (ETP)",
            "En équivalent temps plein : 0,5 pour un mi-temps.",
            _required(required, "Indiquez le temps mis à disposition en ETP (par exemple 0,5)."),
        ),
        f"{prefix}person_name": text_field("Nom de la personne", 200),
    }


def obligation_fields(prefix: str = "", required: bool = True) -> dict:
    """Who owes what to whom; when it falls due is :func:`cadence_fields`."""
    return {
        f"{prefix}responsible_id": choice_field(
            "Partie responsable", _required(required, "Choisissez la partie responsable de l'obligation.")
        ),
        f"{prefix}recipient_id": choice_field("Destinataire", description="Facultatif."),
        f"{prefix}category": SelectField(
            "Nature et catégorie",
            choices=category_choices(),
            validate_choice=False,
            validators=_required(required, "Choisissez la catégorie de l'obligation."),
            description="Un livrable à transmettre ou une réunion à tenir.",
        ),
        f"{prefix}label": text_field("Libellé", 300, description="Par défaut, le libellé de la catégorie."),
        f"{prefix}cadence": SelectField(
            "Périodicité",
            choices=select_choices([CHOOSE, *enums.Cadence.choices()]),
            validate_choice=False,
            validators=_required(required, "Choisissez la périodicité."),
        ),
        **cadence_fields(prefix),
        f"{prefix}article": text_field("Article de la convention", 40),
    }


def cadence_fields(prefix: str = "") -> dict:
    """When an obligation falls due: the day of the month or of the week, the delay, the event."""
    return {
        f"{prefix}day_of_month": number_field(
            "Jour du mois de l'échéance",
            term_bounds.DAY_OF_MONTH,
            "Pour une périodicité mensuelle : 10 pour « le 10 de chaque mois ».",
        ),
        f"{prefix}weekday": SelectField(
            "Jour de la semaine",
            choices=select_choices(
                [("", "—"), *((str(i), day) for i, day in enumerate(formats.WEEKDAY_NAMES))]
            ),
            validate_choice=False,
            description="Pour une périodicité hebdomadaire (vendredi par défaut).",
        ),
        f"{prefix}offset_months": number_field(
            "Délai après l'échéance (mois)",
            term_bounds.OFFSET_MONTHS,
            "Mensuelle : 1 pour « le 10 du mois suivant » (par défaut).",
        ),
        f"{prefix}offset_days": number_field("Délai après l'échéance (jours)", term_bounds.OFFSET_DAYS),
        f"{prefix}event_label": text_field(
            "Événement déclencheur",
            100,
            description="Pour une échéance après un événement annuel : « assemblée générale ».",
        ),
        f"{prefix}event_default_month": SelectField(
            "Mois habituel de l'événement",
            choices=select_choices(
                [("", "—"), *((str(i), name) for i, name in enumerate(formats.MONTH_NAMES, start=1))]
            ),
            validate_choice=False,
        ),
    }


def schedule_fields(prefix: str, row: int) -> dict:
    context = f"Échéance {row + 1} : "
    return {
        f"{prefix}{row}_label": text_field(f"{context}libellé", 200),
        f"{prefix}{row}_percent": decimal_field(f"{context}pourcentage", "Par exemple 40."),
        f"{prefix}{row}_trigger": SelectField(
            f"{context}exigible", choices=select_choices(enums.Trigger.choices()), validate_choice=False
        ),
        f"{prefix}{row}_offset_days": number_field(f"{context}délai (jours)", term_bounds.OFFSET_DAYS),
        f"{prefix}{row}_required_deliverables": SelectMultipleField(
            f"{context}pièces requises",
            choices=select_choices(enums.DeliverableCategory.choices()),
            validate_choice=False,
            description="L'échéance n'est exigible qu'une fois ces livrables de la période reçus.",
        ),
    }


def commitment_fields(prefix: str = "", required: bool = True) -> dict:
    fields = {
        f"{prefix}payer_id": choice_field("Payeur", _required(required, "Choisissez la partie qui paie.")),
        f"{prefix}payee_id": choice_field(
            "Bénéficiaire", _required(required, "Choisissez la partie bénéficiaire.")
        ),
        f"{prefix}label": text_field(
            "Objet de l'engagement", 200, "Indiquez l'objet de l'engagement financier." if required else None
        ),
        f"{prefix}basis": SelectField(
            "Base", choices=select_choices(enums.CommitmentBasis.choices()), validate_choice=False
        ),
        f"{prefix}amount": decimal_field(
            "Montant forfaitaire (€)", "Pour un montant forfaitaire, par période."
        ),
        f"{prefix}rate_per_post": decimal_field("Montant par poste à temps plein (€)"),
        f"{prefix}posts_fte": decimal_field(
            "Postes à temps plein travaillés sur la fonction",
            "Pour un montant par poste : 0,8 pour un poste à 80 %.",
        ),
        f"{prefix}recurrence": SelectField(
            "Récurrence",
            choices=select_choices(enums.Recurrence.choices()),
            default="each_period",
            validate_choice=False,
        ),
        f"{prefix}article": text_field("Article de la convention", 40),
    }
    for row in range(SCHEDULE_ROWS):
        fields.update(schedule_fields(f"{prefix}line_", row))
    return fields


def check_schedule(form, prefix: str) -> bool:
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
