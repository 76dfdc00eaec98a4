"""What every page a journey visits must pass: axe-core (no serious or critical violation), no
horizontal scroll at 1280 px and at 390 px, and at 390 px the main navigation reachable and every
form control inside the screen. The figures (pages, violations by impact) are printed at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
BLOCKING = ("serious", "critical")
MAX_NAV_ROWS = 2
IMPACTS = ("critical", "serious", "moderate", "minor")

#: axe-core injected by the browser itself into every document (not a <script> of the page, so the
#: Content-Security-Policy of the service does not have to allow it), with its French messages.
AXE_INIT_SCRIPT = (
    (VENDOR / "axe.min.js").read_text(encoding="utf-8")
    + "\n;window.axe && window.axe.configure({locale: "
    + (VENDOR / "axe-core-fr.json").read_text(encoding="utf-8")
    + "});"
)

RUN_AXE = """async () => {
  const results = await window.axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""

#: The page's width against the screen's, and the innermost elements that stick out or whose text
#: does, outside any scrolling frame (to name them in the failure).
HORIZONTAL_SCROLL = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const clips = el => getComputedStyle(el).overflowX !== 'visible';
  const out = el => el.getBoundingClientRect().right > width + 1
    || (!clips(el) && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0);
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 2).map(c => '.' + c).join('');
  const culprits = [];
  const visit = el => {
    const children = clips(el) ? [] : [...el.children].filter(out);
    if (!children.length) {
      culprits.push(`${name(el)} (${Math.round(el.getBoundingClientRect().right)} px, contenu ${el.scrollWidth} px)`);
    }
    children.forEach(visit);
  };
  [...document.body.children].filter(out).forEach(visit);
  return {scrollWidth: root.scrollWidth, clientWidth: width, culprits: culprits.slice(0, 4)};
}"""


#: Controls of the page's forms that are cut by the edge of the screen (a table's own scrolling
#: area excepted: a wide table scrolls inside its frame, the page does not).
CLIPPED_CONTROLS = """() => {
  const width = document.documentElement.clientWidth;
  const selector = 'main input:not([type=hidden]), main select, main textarea, main button';
  return [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length && !el.closest('.table-defilement'))
    .map(el => ({el, box: el.getBoundingClientRect()}))
    .filter(({box}) => box.left < -1 || box.right > width + 1)
    .map(({el, box}) => `${el.tagName.toLowerCase()}#${el.id || el.name || '?'} (${Math.round(box.left)}→${Math.round(box.right)} px)`);
}"""

#: Rows taken by the main navigation: on a wide screen, at most two before the page begins.
NAV_ROWS = """() => {
  const list = document.querySelector('nav[aria-label="Navigation principale"] ul');
  if (!list) return 0;
  const items = [...list.children].filter(li => li.getClientRects().length);
  return new Set(items.map(li => Math.round(li.getBoundingClientRect().top))).size;
}"""

#: Where the page's title starts: a person sees it on the first screen, not below the menu.
TITLE_TOP = """() => {
  const title = document.querySelector('main h1');
  return title ? {top: Math.round(title.getBoundingClientRect().top + window.scrollY), screen: innerHeight} : null;
}"""

HIDDEN_NAV_LINKS = """() => {
  const nav = document.querySelector('nav[aria-label="Navigation principale"]');
  if (!nav) return [];
  const width = document.documentElement.clientWidth;
  return [...nav.querySelectorAll('a')].filter(a => {
    const box = a.getBoundingClientRect();
    const style = getComputedStyle(a);
    return !a.getClientRects().length || style.visibility === 'hidden' || box.left < 0 || box.right > width + 1;
  }).map(a => a.textContent.trim());
}"""


@dataclass
class Figures:
    """Pages checked and axe violations counted by impact, over the session."""

    pages: list[str] = field(default_factory=list)
    violations: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)

    def check(self, page, name: str) -> None:
        problems = [*self._axe(page, "1280 px"), *_layout(page, "1280 px"), *_nav_rows(page)]
        page.set_viewport_size(MOBILE)
        try:
            problems += [*_layout(page, "390 px"), *_title_on_first_screen(page), *_navigation(page)]
        finally:
            page.set_viewport_size(DESKTOP)
        self.pages.append(name)
        assert not problems, f"page « {name} » ({page.url}) :\n" + "\n".join(problems)

    def _axe(self, page, width: str) -> list[str]:
        found = page.evaluate(RUN_AXE)
        problems = []
        for violation in found:
            impact = violation["impact"] or "minor"
            self.violations[impact] += 1
            self.rules[f"{violation['id']} ({impact})"] += 1
            if impact in BLOCKING:
                targets = ", ".join(violation["targets"][:4])
                more = len(violation["targets"]) - 4
                problems.append(
                    f"  - axe {impact} à {width} : {violation['id']} — {violation['help']} ; "
                    f"cible : {targets}{f' (+{more})' if more > 0 else ''} ; {violation['helpUrl']}"
                )
        return problems

    def summary(self) -> list[str]:
        counts = ", ".join(f"{impact} {self.violations[impact]}" for impact in IMPACTS)
        lines = [
            f"pages vérifiées : {len(self.pages)} (axe à 1280 px, mise en page à 1280 et 390 px)",
            f"violations axe : {counts}",
        ]
        lines += [f"  {rule} : {count}" for rule, count in self.rules.most_common()]
        return lines


def _layout(page, width: str) -> list[str]:
    sizes = page.evaluate(HORIZONTAL_SCROLL)
    problems = []
    if sizes["scrollWidth"] > sizes["clientWidth"]:
        problems.append(
            f"  - défilement horizontal à {width} : la page fait {sizes['scrollWidth']} px "
            f"pour {sizes['clientWidth']} px visibles ; dépassent : {', '.join(sizes['culprits'])}"
        )
    clipped = page.evaluate(CLIPPED_CONTROLS)
    if clipped:
        problems.append(f"  - champs coupés par le bord de l'écran à {width} : {', '.join(clipped)}")
    return problems


def _nav_rows(page) -> list[str]:
    rows = page.evaluate(NAV_ROWS)
    if rows > MAX_NAV_ROWS:
        return [f"  - la navigation principale tient sur {rows} lignes à 1280 px (au plus {MAX_NAV_ROWS})"]
    return []


def _title_on_first_screen(page) -> list[str]:
    title = page.evaluate(TITLE_TOP)
    if title is None:
        return ["  - pas de titre de niveau 1 dans le contenu principal"]
    if title["top"] >= title["screen"]:
        return [
            f"  - à 390 px le titre de la page commence à {title['top']} px, sous le premier écran "
            f"({title['screen']} px) : la navigation le repousse"
        ]
    return []


def _navigation(page) -> list[str]:
    """At 390 px every link of the main navigation is on screen, or the « Menu » button (then the
    button of its group) shows it; the menu is closed again afterwards."""
    hidden = page.evaluate(HIDDEN_NAV_LINKS)
    if not hidden:
        return []
    menu = page.locator("nav button[aria-controls][aria-expanded]").filter(has_text="Menu")
    if menu.count() != 1 or not menu.is_visible():
        return [f"  - navigation inaccessible à 390 px, sans bouton « Menu » : {', '.join(hidden)}"]
    opened = open_menus(page)
    still_hidden = page.evaluate(HIDDEN_NAV_LINKS)
    for button in reversed(opened):
        button.click()
    if still_hidden:
        return [f"  - le bouton « Menu » n'ouvre pas la navigation à 390 px : {', '.join(still_hidden)}"]
    return []


def open_menus(page) -> list:
    """Opens the closed menus of the main navigation (« Menu », then each group) by their buttons,
    as a person would; returns the buttons opened, in order."""
    navigation = page.get_by_role("navigation", name="Navigation principale")
    opened = []
    closed = navigation.locator("button[aria-expanded='false']")
    for button in [closed.nth(index).element_handle() for index in range(closed.count())]:
        if button.is_visible():
            button.click()
            assert button.get_attribute("aria-expanded") == "true", "un bouton de menu ne s'ouvre pas"
            opened.append(button)
    return opened
