/*
 * Recherche dans une longue liste de choix (ex. les participants d'une nouvelle mission) —
 * amélioration progressive en JavaScript natif. Sans ce script, le champ de recherche envoie un
 * formulaire GET et le serveur réduit la liste ; avec lui, la liste se réduit pendant la frappe,
 * sans tenir compte des accents ni des majuscules (« andre » trouve « ANDRÉ »).
 *
 * Balisage : <input data-filtre-liste="ID_DU_SELECT"> et, facultatif, un élément
 * [data-filtre-resultat] dans le même formulaire pour annoncer le nombre de résultats.
 */
(function () {
  "use strict";

  var plier = function (texte) {
    return texte.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };

  Array.prototype.forEach.call(document.querySelectorAll("input[data-filtre-liste]"), function (champ) {
    var liste = document.getElementById(champ.getAttribute("data-filtre-liste"));
    if (!liste) {
      return;
    }
    var resultat = champ.form ? champ.form.querySelector("[data-filtre-resultat]") : null;
    var options = Array.prototype.slice.call(liste.options);
    var filtrer = function () {
      var cherche = plier(champ.value.trim());
      var trouves = 0;
      options.forEach(function (option) {
        var garde = !option.value || option.selected || plier(option.text).indexOf(cherche) !== -1;
        option.hidden = !garde;
        option.disabled = !garde;
        if (garde && option.value) {
          trouves += 1;
        }
      });
      if (resultat) {
        resultat.textContent = trouves + (trouves > 1 ? " participants" : " participant") +
          (cherche ? " pour « " + champ.value.trim() + " »." : ".");
      }
    };
    champ.addEventListener("input", filtrer);
  });
})();
