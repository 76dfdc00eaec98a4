"""The people of the tests: one factory, used by the tenants' factories and the fixtures."""

from __future__ import annotations

import factory

from saas.accounts import api as accounts
from saas.db import db
from tests.world import PASSWORD


class UserFactory(factory.Factory):
    """A person with the tests' password (hashed at the light cost of the tests' configuration)."""

    class Meta:
        model = dict

    email = factory.Sequence(lambda n: f"personne-{n}@exemple.fr")
    name = factory.LazyAttribute(lambda o: o.email.split("@")[0])
    operator = False

    @classmethod
    def _create(cls, model_class, email, name, operator):
        user, _ = accounts.find_or_create_user(email, name)
        accounts.set_password(user, PASSWORD)
        user.is_operator = operator
        db.session.flush()
        return user
