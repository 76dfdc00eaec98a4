"""Multi-factor authentication: TOTP (RFC 6238, through pyotp) and single-use recovery codes.

Rules:
- enrolment is in force only once a first valid code has been given (``confirm_enrolment``);
- a TOTP code is accepted once: the time step of the last accepted code is stored, and a code of
  that step or an earlier one is refused (an atomic conditional UPDATE, so two requests racing with
  the same code cannot both pass);
- recovery codes are random, shown once, stored as digests (``saas.security.token_digest``) and
  consumed by use; generating a new set voids the previous one;
- whether a person *must* have a second factor depends on their roles (``tenants.mfa_policy``): this
  module is told, it does not decide.
"""

from __future__ import annotations

import hmac
import io
import secrets

import pyotp
import segno
from sqlalchemy import delete, select, update

from saas import clock
from saas.accounts import api as accounts
from saas.accounts.mfa_models import RecoveryCode, TotpDevice
from saas.accounts.models import User
from saas.audit import api as audit
from saas.db import db, insert, rows_written
from saas.errors import DomainError, ValidationError
from saas.security import token_digest, verify_password

ISSUER = "Guichet Clauses"
RECOVERY_CODE_COUNT = 10
#: no 0/o, 1/l/i: codes are copied by hand from paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
#: codes of the step before and after the current one are accepted (clocks drift).
VALID_WINDOW = 1

WRONG_CODE = "Ce code n'est pas valable. Saisissez le code à six chiffres affiché par votre application."


def device_of(user: User) -> TotpDevice | None:
    return db.session.get(TotpDevice, user.id)


def is_enabled(user: User) -> bool:
    device = device_of(user)
    return device is not None and device.confirmed_at is not None


def start_enrolment(user: User) -> str:
    """The secret of a pending enrolment (a new one unless one is already waiting)."""
    device = device_of(user)
    if device is not None and device.confirmed_at is not None:
        raise DomainError("La double authentification est déjà activée sur ce compte.")
    if device is None:
        device = TotpDevice(user_id=user.id, secret=pyotp.random_base32())
        insert(device)
    return device.secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> bytes:
    """The otpauth:// URI as a standalone SVG image (no inline style, served as a file)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=True, svgns=True)
    return out.getvalue()


def confirm_enrolment(actor: audit.Actor, user: User, code: str) -> list[str]:
    """Put the pending factor in force with a first valid code; the recovery codes, in clear, once."""
    device = device_of(user)
    if device is None or device.confirmed_at is not None:
        raise DomainError("Aucune activation n'est en cours ; recommencez depuis le début.")
    if not _accept_totp(device, code):
        raise ValidationError("code", WRONG_CODE)
    device.confirmed_at = clock.now()
    codes = _new_recovery_codes(user)
    audit.record("mfa.enabled", actor, "user", user.id, tenant_id=None)
    return codes


def verify(user: User, code: str) -> str | None:
    """Check a second-step code: ``"totp"``, ``"recovery"`` (now used up) or None."""
    device = device_of(user)
    if device is None or device.confirmed_at is None:
        return None
    if _accept_totp(device, code):
        return "totp"
    if _use_recovery_code(user, code):
        return "recovery"
    return None


def remaining_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def regenerate_recovery_codes(actor: audit.Actor, user: User, code: str) -> list[str]:
    """A new set of recovery codes (the old ones stop working), against a current TOTP code."""
    device = device_of(user)
    if device is None or device.confirmed_at is None:
        raise DomainError("La double authentification n'est pas activée sur ce compte.")
    if not _accept_totp(device, code):
        raise ValidationError("code", WRONG_CODE)
    codes = _new_recovery_codes(user)
    audit.record("mfa.recovery_codes_regenerated", actor, "user", user.id, tenant_id=None)
    return codes


def disable(actor: audit.Actor, user: User, proof: str, required: bool) -> None:
    """Turn the second factor off, on the password or a code; never for a person who must have it."""
    if required:
        raise DomainError("Votre rôle exige la double authentification : elle ne peut pas être désactivée.")
    if not is_enabled(user):
        raise DomainError("La double authentification n'est pas activée sur ce compte.")
    if not (verify_password(user.password_hash, proof) or verify(user, proof)):
        raise ValidationError("proof", "Mot de passe ou code incorrect.")
    _remove(user)
    audit.record("mfa.disabled", actor, "user", user.id, tenant_id=None)


def reset(actor: audit.Actor, user: User, reason: str) -> None:
    """For a lost device, by the platform operator: the factor is removed and every session ends;
    a person who must have one enrols again at the next login."""
    _remove(user)
    accounts.revoke_all_sessions(user.id)
    audit.record("mfa.reset", actor, "user", user.id, {"motif": reason}, tenant_id=None)


def audit_failure(actor: audit.Actor, user: User) -> None:
    audit.record_now("mfa.failure", actor, target_type="user", target_id=user.id, tenant_id=None)


# --- internals ------------------------------------------------------------------------------------


def _normalise(code: str | None) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _accept_totp(device: TotpDevice, code: str) -> bool:
    code = _normalise(code)
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(device.secret)
    current = totp.timecode(clock.now())
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return _claim_step(device, step)
    return False


def _claim_step(device: TotpDevice, step: int) -> bool:
    """Record ``step`` as used, only if no later or equal step was: False means a replay."""
    claimed = rows_written(
        update(TotpDevice)
        .where(
            TotpDevice.user_id == device.user_id,
            (TotpDevice.last_step.is_(None)) | (TotpDevice.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed:
        device.last_step = step
    return bool(claimed)


def _digest(user_id: int, code: str) -> str:
    return token_digest(f"{user_id}:{_normalise(code)}")


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, digest=_digest(user.id, raw)))
    db.session.flush()
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    if len(_normalise(code)) != RECOVERY_LENGTH:
        return False
    used = rows_written(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.digest == _digest(user.id, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return bool(used)


def _remove(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TotpDevice).where(TotpDevice.user_id == user.id))
    db.session.expire_all()
