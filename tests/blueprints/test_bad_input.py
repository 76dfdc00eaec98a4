"""Bad input never gives a 500: every GET route and every form of the app, fed hostile values.

The crawl walks every URL rule with a world of two tenants (as in the cross-tenant test): each
path id beyond bigint (404), a NUL byte, a year 10000 and a number beyond bigint in the query
string (``q``, ``page`` and each field of the page's GET forms), then every POST form of every
page with a NUL byte and a text of the default length bound in each of its text fields, a year 10000 in each date and a number beyond
bigint in each select. Any 5xx fails the test, with the list of what failed.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from saas.bounds import SHORT_TEXT
from tests.fixtures import login
from tests.tenants.test_isolation_routes import (
    TENANT_OBJECTS,
    _api_rules,
    _rules,
    audience,
    federation_values,
)

#: one beyond PostgreSQL's bigint.
BEYOND_BIGINT = 2**63
BAD_VALUES = ("a\x00b", "10000-01-01", "9999-12-31", str(10**20))
TEXT_INPUTS = {"text", "search", "email", "tel", "url", "password", None}
#: rules that are not pages a person fills in.
SKIPPED = {"static", "auth.logout", "api-docs.openapi_json"}


class FormParser(HTMLParser):
    """The forms of a page: method, action and fields (tag, type, name, value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "enctype": attrs.get("enctype") or "",
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            field = {
                "tag": tag,
                "type": attrs.get("type"),
                "name": attrs["name"],
                "value": attrs.get("value"),
            }
            if tag == "input" and field["type"] in ("checkbox", "radio") and "checked" not in attrs:
                field["value"] = None
            self._form["fields"].append(field)
            if tag == "select":
                self._select = field
        elif (
            tag == "option"
            and self._select is not None
            and (self._select["value"] is None or "selected" in attrs)
        ):
            self._select["value"] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _forms(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def _data(form: dict, changed: str | None = None, value: str | None = None) -> dict:
    data: dict[str, list[str]] = {}
    for field in form["fields"]:
        current = value if field["name"] == changed else field["value"]
        if current is not None and field["type"] != "file":
            data.setdefault(field["name"], []).append(current)
    return data


def _is_text(field: dict) -> bool:
    return field["tag"] == "textarea" or (field["tag"] == "input" and field["type"] in TEXT_INPUTS)


def _bad_variants(form: dict):
    """(field name, hostile value) for each field of a form that a person types or picks."""
    for field in form["fields"]:
        if field["name"] == "csrf_token" or field["type"] in ("hidden", "submit", "file"):
            continue
        if _is_text(field):
            yield field["name"], "a\x00b"
            # the longest a form allows by default: a shorter column would refuse it with a 500.
            yield field["name"], "é" * SHORT_TEXT
        elif field["type"] == "date" or "date" in field["name"]:
            yield field["name"], "10000-01-01"
            yield field["name"], "9999-12-31"
        elif field["tag"] == "select" or field["type"] == "number":
            yield field["name"], str(10**20)


class Crawl:
    def __init__(self, client):
        self.client = client
        self.failures: list[str] = []
        self.requests = 0

    def check(self, method: str, url: str, response, what: str) -> None:
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {method} {url} ({what})")

    def get(self, url: str, what: str, headers=None):
        response = self.client.get(url, headers=headers or {})
        self.check("GET", url, response, what)
        return response

    def query_variants(self, url: str, names, headers=None) -> None:
        for name in names:
            for value in BAD_VALUES:
                self.get(f"{url}?{urlencode({name: value})}", f"?{name}={value!r}", headers)

    def page(self, url: str) -> None:
        """A page, its query string fed bad values, its POST forms fed bad values."""
        response = self.get(url, "page")
        if response.status_code != 200 or response.mimetype != "text/html":
            return
        forms = _forms(response.get_data(as_text=True))
        names = {"q", "page"}
        for form in forms:
            if form["method"] == "get":
                names |= {f["name"] for f in form["fields"] if f["type"] != "submit"}
        self.query_variants(url, sorted(names))
        for form in forms:
            if form["method"] == "post":
                self.post_form(url, form)

    def post_form(self, page_url: str, form: dict) -> None:
        action = form["action"] or page_url
        if urlsplit(action).path.endswith("/deconnexion"):
            return
        for name, value in _bad_variants(form):
            response = self.client.post(action, data=_data(form, name, value))
            self.check("POST", action, response, f"{name}={value!r}")


def _beyond_bigint_urls(app, rule, values: dict):
    """The rule's URL with each integer variable in turn beyond bigint."""
    for arg, converter in rule._converters.items():
        if type(converter).__name__.lower().startswith(("integer", "boundedint")):
            with app.test_request_context(base_url="https://localhost"):
                yield arg, app.url_for(rule.endpoint, **{**values, arg: BEYOND_BIGINT})


def _crawl_rules(app, crawl: Crawl, rules, values_of, headers=None) -> int:
    walked = 0
    for rule in rules:
        if rule.endpoint in SKIPPED or "GET" not in rule.methods:
            continue
        values = values_of(rule)
        with app.test_request_context(base_url="https://localhost"):
            url = app.url_for(rule.endpoint, **values)
        if headers:
            crawl.get(url, "api", headers)
            crawl.query_variants(url, ["page", "page_size", "q"], headers)
        else:
            crawl.page(url)
        for arg, far in _beyond_bigint_urls(app, rule, values):
            response = crawl.client.get(far, headers=headers or {})
            crawl.check("GET", far, response, f"<{arg}> beyond bigint")
            if response.status_code != 404:
                crawl.failures.append(f"{response.status_code} GET {far} (expected 404)")
        walked += 1
    return walked


def _tenant_values(app, a):
    def values(rule):
        ids = {arg: a.ids.get(TENANT_OBJECTS.get(arg), "inconnu") for arg in rule.arguments - {"tenant_slug"}}
        return {**ids, "tenant_slug": a.slug} if "tenant_slug" in rule.arguments else ids

    return values


def test_no_route_or_form_answers_5xx_to_hostile_input(app, two_tenants, client_factory):
    a, _ = two_tenants
    rules = _rules(app)
    walked = 0
    admin = client_factory()
    login(admin, a.admin_email)
    crawl = Crawl(admin)
    tenant_rules = [r for r in rules if r.rule.startswith("/t/<tenant_slug>")]
    walked += _crawl_rules(app, crawl, tenant_rules, _tenant_values(app, a))
    for who in ("partner_email", "prescriber_email"):  # the portal, as its partners
        crawl.client = client_factory()
        login(crawl.client, getattr(a, who))
        portal = [
            r for r in tenant_rules if r.endpoint.startswith("portail.") and audience(r.endpoint) == who
        ]
        walked += _crawl_rules(app, crawl, portal, _tenant_values(app, a))
    operator = client_factory()
    login(operator, "operateur@exemple.fr")
    crawl.client = operator
    platform = {"tenant_id": a.tenant_id, "federation_id": a.federation_id}
    walked += _crawl_rules(
        app,
        crawl,
        [r for r in rules if r.rule.startswith("/plateforme")],
        lambda rule: {k: platform[k] for k in rule.arguments},
    )
    coordinator = client_factory()
    login(coordinator, a.coordinator_email)
    crawl.client = coordinator
    walked += _crawl_rules(
        app,
        crawl,
        [r for r in rules if r.rule.startswith("/departements/<code>")],
        lambda rule: federation_values(rule, a),
    )
    crawl.client = client_factory()
    public = [r for r in rules if not r.arguments and not r.rule.startswith(("/t/", "/plateforme", "/api"))]
    walked += _crawl_rules(app, crawl, public, lambda rule: {})
    for token, rules_of_token in (
        (a.api_token, [r for r in _api_rules(app) if not r.endpoint.startswith("api_partenaire.")]),
        (a.partner_api_token, [r for r in _api_rules(app) if r.endpoint.startswith("api_partenaire.")]),
    ):
        walked += _crawl_rules(
            app, crawl, rules_of_token, _tenant_values(app, a), headers={"Authorization": f"Bearer {token}"}
        )
    assert walked >= 60 and crawl.requests >= 500, (walked, crawl.requests)
    assert not crawl.failures, f"{len(crawl.failures)} answers 5xx or wrong:\n" + "\n".join(crawl.failures)
