"""Who belongs where: tenants, federations and the memberships in them (operator and tenant admin).

Permission rules:
- the platform operator creates and edits tenants and federations and invites their first
  administrator or coordinator; the operator gets no access to tenant data by that;
- a tenant admin manages the memberships of their own tenant only (the scope guarantees it), and
  a tenant always keeps at least one active administrator;
- a partner or buyer membership is bound to one organisation of the same tenant (a composite
  foreign key makes any other binding impossible).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from saas import cleaning
from saas.accounts import api as accounts
from saas.accounts import links
from saas.accounts import repository as accounts_repository
from saas.audit import api as audit
from saas.db import db, insert
from saas.errors import DomainError, ValidationError
from saas.partenaires import api as partenaires
from tenants import context, repository, validation
from tenants.enums import ADMIN_ROLES, WORKSPACE_ROLES, FederationRole, TenantKind, TenantRole
from tenants.models import Federation, FederationMembership, Tenant, TenantMembership


@dataclass(frozen=True)
class Invitation:
    """What an invitation gives the inviter: ids, never a link (it went to the person by mail)."""

    membership_id: int | None
    user_id: int


# --- tenants --------------------------------------------------------------------------------------


def create_tenant(
    actor: audit.Actor, slug: str, name: str, kind: str, siren: str | None = None, communes: str | list = ""
) -> Tenant:
    slug = validation.slug(slug)
    if repository.tenant_by_slug(slug) is not None:
        raise ValidationError("slug", "Cet identifiant d'adresse est déjà utilisé par un autre territoire.")
    tenant = Tenant(
        slug=slug,
        name=cleaning.required_text(name, "name", "Indiquez le nom du territoire."),
        kind=TenantKind(kind),
        siren=validation.siren(siren),
        communes_insee=validation.communes(communes),
    )
    insert(tenant)
    audit.record(
        "tenant.created", actor, "tenant", tenant.id, {"slug": slug, "nom": tenant.name}, tenant_id=None
    )
    return tenant


def update_tenant(actor: audit.Actor, tenant: Tenant, **fields) -> Tenant:
    """Operator edit: identity, kind, activity and federations."""
    if "name" in fields:
        tenant.name = cleaning.required_text(fields["name"], "name", "Indiquez le nom du territoire.")
    if "kind" in fields:
        tenant.kind = TenantKind(fields["kind"])
    if "siren" in fields:
        tenant.siren = validation.siren(fields["siren"])
    if "communes" in fields:
        tenant.communes_insee = validation.communes(fields["communes"])
    if "active" in fields:
        tenant.active = bool(fields["active"])
    if "federation_ids" in fields:
        wanted = [repository.federation_by_id(int(fid)) for fid in fields["federation_ids"]]
        tenant.federations = [federation for federation in wanted if federation is not None]
    audit.record("tenant.updated", actor, "tenant", tenant.id, {"champs": sorted(fields)}, tenant_id=None)
    return tenant


def update_settings(
    actor: audit.Actor,
    tenant: Tenant,
    name: str,
    display_name: str | None,
    colour: str,
    communes: str | list,
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
    mfa_required: bool | None = None,
) -> Tenant:
    """Tenant admin edit of their own tenant: name, theme, communes covered, and whether every
    member must use a second factor (``tenants.mfa_policy``)."""
    _check_in_scope(tenant)
    tenant.name = cleaning.required_text(name, "name", "Indiquez le nom du territoire.")
    tenant.theme_display_name = cleaning.optional(display_name)
    tenant.theme_colour = validation.theme_colour(colour)
    tenant.communes_insee = validation.communes(communes)
    if logo is not None:
        tenant.logo, tenant.logo_mimetype = validation.logo(*logo)
    elif remove_logo:
        tenant.logo, tenant.logo_mimetype = None, None
    if mfa_required is not None and mfa_required != tenant.mfa_required:
        tenant.mfa_required = mfa_required
        audit.record(
            "tenant.mfa_policy_changed",
            actor,
            "tenant",
            tenant.id,
            {"exigée pour tous": "oui" if mfa_required else "non"},
        )
    audit.record("tenant.settings_updated", actor, "tenant", tenant.id)
    return tenant


def _check_in_scope(tenant: Tenant) -> None:
    if tenant.id != context.current_tenant_id():
        raise DomainError("Ce territoire n'est pas celui de la session.")


# --- federations ----------------------------------------------------------------------------------


def create_federation(actor: audit.Actor, code: str, name: str) -> Federation:
    code = validation.departement_code(code)
    if repository.federation_by_code(code) is not None:
        raise ValidationError("code", "Ce Département existe déjà.")
    federation = Federation(
        code=code, name=cleaning.required_text(name, "name", "Indiquez le nom du Département.")
    )
    insert(federation)
    audit.record("federation.created", actor, "federation", federation.id, {"code": code}, tenant_id=None)
    return federation


def update_federation(
    actor: audit.Actor,
    federation: Federation,
    name: str,
    tenant_ids: list[int],
    schedule: tuple[bool, bool, int] | None = None,
) -> Federation:
    """Its name, its members and, with ``schedule``, when its members' reports go: (monthly,
    yearly, day of the month)."""
    federation.name = cleaning.required_text(name, "name", "Indiquez le nom du Département.")
    if schedule is not None:
        monthly, yearly, day = schedule
        if not isinstance(day, int) or not 1 <= day <= 28:
            raise ValidationError("report_day", "Indiquez un jour de 1 à 28.")
        federation.monthly_reports, federation.yearly_reports, federation.report_day = (
            bool(monthly),
            bool(yearly),
            day,
        )
    federation.tenants = [t for t in (repository.tenant_by_id(int(i)) for i in tenant_ids) if t is not None]
    audit.record("federation.updated", actor, "federation", federation.id, tenant_id=None)
    return federation


def invite_coordinator(
    actor: audit.Actor, federation: Federation, email: str, display_name: str
) -> Invitation:
    user, _ = accounts.find_or_create_user(email, display_name)
    if repository.federation_membership(federation.id, user.id) is None:
        db.session.add(
            FederationMembership(
                federation_id=federation.id, user_id=user.id, role=FederationRole.coordinateur
            )
        )
    links.announce_access(user, f"{federation.name} ({federation.code})", "Coordinateur")
    audit.record(
        "federation.coordinator_invited",
        actor,
        "user",
        user.id,
        {"departement": federation.code},
        tenant_id=None,
    )
    db.session.flush()
    return Invitation(None, user.id)


# --- memberships (in the tenant in scope) --------------------------------------------------------


def invite_member(
    actor: audit.Actor, email: str, display_name: str, role: str, organisation_id: int | None = None
) -> Invitation:
    """Give a person a role in the tenant in scope, creating their account if needed.

    The person hears of it by mail: a link to choose a password if they have none yet (even if
    another tenant invited them first: that earlier link stays theirs too), a notice otherwise.
    The inviter never receives a link, so inviting an address grants no access to its account.
    """
    tenant_id = context.require_tenant_id()
    role = TenantRole(role)
    organisation_id = _organisation_for(role, organisation_id)
    email = cleaning.required_text(email, "email", "Indiquez l'adresse électronique.")
    user, _ = accounts.find_or_create_user(
        email, cleaning.required_text(display_name, "display_name", "Indiquez le nom.")
    )
    if repository.membership_of(user.id) is not None:
        raise ValidationError("email", "Cette personne a déjà un accès à ce territoire.")
    membership = TenantMembership(
        tenant_id=tenant_id, user_id=user.id, role=role, organisation_id=organisation_id
    )
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError("email", "Cette personne a déjà un accès à ce territoire.") from exc
    tenant = repository.tenant_by_id(tenant_id)
    assert tenant is not None, "the tenant in scope exists"
    links.announce_access(user, tenant.display_name, role.label)
    audit.record(
        "user.invited", actor, "membership", membership.id, {"email": user.email, "role": role.value}
    )
    return Invitation(membership.id, user.id)


def _organisation_for(role: TenantRole, organisation_id: int | None) -> int | None:
    if not role.needs_organisation:
        return None
    if not organisation_id:
        raise ValidationError("organisation_id", "Choisissez l'organisation à laquelle ce rôle est rattaché.")
    organisation = partenaires.get(int(organisation_id))
    if organisation is None:
        raise ValidationError("organisation_id", "Cette organisation n'existe pas dans ce territoire.")
    if not organisation.active:
        raise ValidationError("organisation_id", "Cette organisation est désactivée ; réactivez-la d'abord.")
    if role is TenantRole.donneur_ordre and organisation.kind != "donneur_ordre":
        raise ValidationError(
            "organisation_id", "Un donneur d'ordre doit être rattaché à une organisation donneur d'ordre."
        )
    if role is TenantRole.partenaire and organisation.kind == "donneur_ordre":
        raise ValidationError(
            "organisation_id", "Un partenaire ne peut pas être rattaché à un donneur d'ordre."
        )
    return organisation.id


def change_role(
    actor: audit.Actor, membership: TenantMembership, role: str, organisation_id: int | None
) -> None:
    role = TenantRole(role)
    if membership.role == TenantRole.tenant_admin and role != TenantRole.tenant_admin:
        _keep_one_admin()
    before = membership.role
    membership.organisation_id = _organisation_for(role, organisation_id)
    membership.role = role
    audit.record(
        "membership.role_changed",
        actor,
        "membership",
        membership.id,
        {"avant": str(before), "après": role.value},
    )


def deactivate(actor: audit.Actor, membership: TenantMembership) -> None:
    """Cut the access at once; if the person has no other access anywhere, end their sessions."""
    if not membership.active:
        return
    if membership.role == TenantRole.tenant_admin:
        _keep_one_admin()
    membership.active = False
    db.session.flush()
    if not _has_other_access(membership.user_id):
        accounts.revoke_all_sessions(membership.user_id)
    audit.record("membership.deactivated", actor, "membership", membership.id)


def reactivate(actor: audit.Actor, membership: TenantMembership) -> None:
    membership.active = True
    audit.record("membership.reactivated", actor, "membership", membership.id)


def _keep_one_admin() -> None:
    if repository.active_admin_count() <= 1:
        raise ValidationError("role", "Le territoire doit garder au moins un administrateur actif.")


def _has_other_access(user_id: int) -> bool:
    user = accounts.get_user(user_id)
    return bool(
        (user and user.is_operator)
        or repository.memberships_of_user_everywhere(user_id)
        or repository.federation_memberships_of_user(user_id)
    )


# --- who to ask in the tenant in scope ---------------------------------------------------------


def guichet_contacts() -> list[TenantMembership]:
    """Whom the partners and donneurs d'ordre of the tenant in scope may ask: its administrators
    and facilitateurs (active)."""
    return accounts_repository.active_members_with_roles(WORKSPACE_ROLES)


def tenant_admins() -> list[TenantMembership]:
    """The active administrators of the tenant in scope: whom a facilitateur asks for what only
    the admin console does (organisations, users, settings)."""
    return accounts_repository.active_members_with_roles(ADMIN_ROLES)


memberships_in_scope = accounts_repository.memberships_in_scope
#: the roles bound to one organisation, for the domains that may not import ``tenants.enums``
BUYER_ROLE, PARTNER_ROLE = TenantRole.donneur_ordre, TenantRole.partenaire
#: the memberships (users and their roles) bound to one organisation of the tenant in scope.
users_bound = accounts_repository.memberships_of_organisation


def who_is(user_ids) -> dict[int, str]:
    """How each user is named in the tenant in scope: « Claire Rousseau (Niort Insertion Emploi) »
    for a member bound to an organisation, « Nadia Belkacem » otherwise (one query)."""
    return {
        user_id: f"{name} ({organisation})" if organisation else name
        for user_id, name, organisation in accounts_repository.names_in_scope(user_ids)
    }


def invite_colleague(actor: audit.Actor, email: str, display_name: str) -> Invitation:
    """A partner organisation's own admin (``organisation_admin``) invites a colleague: a partner
    of the same organisation, through the same invitation as the tenant admin's."""
    inviter = repository.membership_of(actor.user_id) if actor.user_id else None
    if (
        inviter is None
        or not inviter.active
        or inviter.role != TenantRole.partenaire
        or not inviter.organisation_admin
    ):
        raise DomainError("Seul un administrateur de votre structure peut inviter des collègues.")
    invitation = invite_member(
        actor, email, display_name, TenantRole.partenaire.value, inviter.organisation_id
    )
    audit.record(
        "member.invited_by_partner",
        actor,
        "membership",
        invitation.membership_id,
        {"organisation": inviter.organisation_id},
    )
    return invitation


def set_organisation_admin(actor: audit.Actor, membership: TenantMembership, value: bool) -> None:
    """Let a partner invite colleagues of its organisation, or not (the tenant admin decides)."""
    if value and membership.role != TenantRole.partenaire:
        raise ValidationError(
            "organisation_admin", "Seul un partenaire peut inviter les collègues de sa structure."
        )
    membership.organisation_admin = bool(value)
    audit.record("member.organisation_admin", actor, "membership", membership.id, {"valeur": bool(value)})
