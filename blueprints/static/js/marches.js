/*
 * Pages des marchés — améliorations progressives (JavaScript natif).
 * Sans ce script, tout reste utilisable : tous les champs du lot sont affichés, le texte de la
 * clause se sélectionne et se télécharge.
 *   a) formulaire de lot : seuls les champs du mode de calcul choisi sont affichés ;
 *   b) texte de la clause : bouton « Copier le texte ».
 */
(function () {
  "use strict";

  /* a) Champs du mode de calcul choisi */
  var formulaire = document.querySelector("form[data-lot-form]");
  if (formulaire) {
    var radios = formulaire.querySelectorAll("input[type=radio][name=obligation_mode]");
    var groupes = formulaire.querySelectorAll("[data-mode-inputs]");
    var afficher = function () {
      var choisi = formulaire.querySelector("input[type=radio][name=obligation_mode]:checked");
      var mode = choisi ? choisi.value : null;
      Array.prototype.forEach.call(groupes, function (groupe) {
        // Sans mode choisi, tout reste visible ; un groupe en erreur reste toujours visible.
        var enErreur = groupe.querySelector("[aria-invalid=true]") !== null;
        groupe.hidden = mode !== null && groupe.getAttribute("data-mode-inputs") !== mode && !enErreur;
      });
    };
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", afficher);
    });
    afficher();
  }

  /* b) Copier le texte de la clause */
  var bouton = document.querySelector("button[data-copy-target]");
  if (bouton) {
    var zone = document.getElementById(bouton.getAttribute("data-copy-target"));
    var statut = document.querySelector("[data-copy-status]");
    bouton.hidden = false;
    bouton.addEventListener("click", function () {
      var annoncer = function (message) {
        if (statut) {
          statut.textContent = message;
        }
      };
      var repli = function () {
        zone.focus();
        zone.select();
        try {
          annoncer(document.execCommand("copy") ? "Texte copié." : "Copie impossible : le texte est sélectionné, utilisez Ctrl+C.");
        } catch (erreur) {
          annoncer("Copie impossible : le texte est sélectionné, utilisez Ctrl+C.");
        }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(zone.value).then(function () {
          annoncer("Texte copié dans le presse-papiers.");
        }, repli);
      } else {
        repli();
      }
    });
  }
})();
