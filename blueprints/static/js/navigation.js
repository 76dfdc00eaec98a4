/*
 * Guichet Clauses — navigation principale (amélioration progressive, JavaScript natif).
 * Sans ce script, tous les liens restent affichés. Avec lui :
 *   a) sur petit écran, un bouton « Menu » replie et déplie la navigation ;
 *   b) chaque groupe de liens (la console d'administration) se replie sous son bouton,
 *      qui l'ouvre et le ferme ; Échap ou un clic ailleurs le referme.
 * Les états sont portés par aria-expanded, lu par les lecteurs d'écran et par la feuille de style.
 */
(function () {
  "use strict";

  var navigation = document.querySelector("[data-navigation]");
  if (!navigation) {
    return;
  }

  function toggle(button, open) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (target) {
      target.classList.toggle("est-ouvert", open);
    }
  }

  function isOpen(button) {
    return button.getAttribute("aria-expanded") === "true";
  }

  var menu = navigation.querySelector(".navigation__menu");
  var groups = Array.prototype.slice.call(navigation.querySelectorAll("[data-navigation-groupe]"));
  navigation.classList.add("navigation--dynamique");

  if (menu && document.getElementById(menu.getAttribute("aria-controls"))) {
    menu.hidden = false;
    toggle(menu, false);
    menu.addEventListener("click", function () {
      toggle(menu, !isOpen(menu));
    });
  }

  groups.forEach(function (button) {
    toggle(button, false);
    button.addEventListener("click", function () {
      var open = !isOpen(button);
      groups.forEach(function (other) {
        toggle(other, false);
      });
      toggle(button, open);
    });
  });

  function closeGroups(except) {
    groups.forEach(function (button) {
      if (button !== except && isOpen(button)) {
        toggle(button, false);
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var current = groups.filter(isOpen)[0];
    if (current) {
      toggle(current, false);
      current.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var inside = event.target && event.target.closest && event.target.closest(".navigation__element--groupe");
    closeGroups(inside ? inside.querySelector("[data-navigation-groupe]") : null);
  });
})();
