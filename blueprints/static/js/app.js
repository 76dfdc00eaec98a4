/*
 * Guichet Clauses — améliorations progressives (JavaScript natif, sans dépendance).
 * Chargé avec « defer » : le DOM est prêt à l'exécution.
 * Toutes les pages fonctionnent sans ce script ; il ne fait qu'ajouter :
 *   a) une confirmation (window.confirm) sur les boutons/formulaires portant data-confirm ;
 *   b) le suivi automatique des traitements en tâche de fond (data-job-status-url) ;
 *   c) le placement du focus sur le récapitulatif des erreurs de formulaire.
 */
(function () {
  "use strict";

  /* ------------------------------------------------------------------ *
   * a) Confirmation avant envoi
   * ------------------------------------------------------------------ */

  // Clic (souris, clavier, ou envoi implicite par Entrée) sur un bouton d'envoi.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) {
      return;
    }
    var bouton = target.closest("button[data-confirm], input[type=submit][data-confirm], input[type=image][data-confirm]");
    if (!bouton || bouton.disabled) {
      return;
    }
    if (bouton.tagName === "BUTTON" && bouton.type !== "submit") {
      return;
    }
    if (!window.confirm(bouton.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // Formulaire portant lui-même data-confirm (quel que soit le bouton utilisé).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-confirm")) {
      return;
    }
    // Si le bouton utilisé a déjà demandé confirmation, ne pas redemander.
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-confirm")) {
      return;
    }
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  }, true);

  /* ------------------------------------------------------------------ *
   * b) Suivi de l'avancement des traitements
   * ------------------------------------------------------------------ */

  var INTERVALLE_MS = 2000;
  var ESSAIS_MAX = 5;
  var STATUTS_ACTIFS = ["pending", "queued", "started"];
  var LIBELLES = {
    pending: "En attente",
    queued: "Dans la file",
    started: "En cours",
    finished: "Terminé",
    failed: "Échec"
  };
  var MESSAGE_ECHEC_RESEAU = "Impossible de mettre à jour l'avancement, rechargez la page.";

  function estActif(statut) {
    return STATUTS_ACTIFS.indexOf(statut) !== -1;
  }

  // N'accepte que des URL http(s) (relatives ou absolues) pour le lien de résultat.
  function urlSure(valeur) {
    if (typeof valeur !== "string" || valeur === "") {
      return null;
    }
    try {
      var url = new URL(valeur, window.location.href);
      if (url.protocol === "http:" || url.protocol === "https:") {
        return url.href;
      }
    } catch (e) {
      /* URL invalide */
    }
    return null;
  }

  function SuiviTraitement(racine) {
    this.racine = racine;
    this.url = racine.getAttribute("data-job-status-url");
    this.statut = racine.getAttribute("data-job-status") || "pending";
    this.barre = racine.querySelector("[data-job-barre]");
    this.pourcentage = racine.querySelector("[data-job-pourcentage]");
    this.libelleStatut = racine.querySelector("[data-job-statut]");
    this.message = racine.querySelector("[data-job-message]");
    this.resultat = racine.querySelector("[data-job-resultat]");
    this.echecs = 0;
    this.minuteur = null;
  }

  SuiviTraitement.prototype.demarrer = function () {
    if (!this.url || !estActif(this.statut) || !window.fetch) {
      return;
    }
    // Le script prend le relais : le lien « actualisez la page » devient inutile.
    var sansJs = this.racine.querySelector("[data-job-sans-js]");
    if (sansJs) {
      sansJs.hidden = true;
    }
    this.planifier(INTERVALLE_MS);
  };

  SuiviTraitement.prototype.planifier = function (delai) {
    var self = this;
    window.clearTimeout(this.minuteur);
    this.minuteur = window.setTimeout(function () {
      self.interroger();
    }, delai);
  };

  SuiviTraitement.prototype.interroger = function () {
    var self = this;
    window.fetch(this.url, {
      method: "GET",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "application/json" }
    }).then(function (reponse) {
      if (!reponse.ok) {
        throw new Error("HTTP " + reponse.status);
      }
      return reponse.json();
    }).then(function (donnees) {
      if (!donnees || typeof donnees !== "object") {
        throw new Error("Réponse inattendue");
      }
      self.echecs = 0;
      self.appliquer(donnees);
      if (estActif(self.statut)) {
        self.planifier(INTERVALLE_MS);
      }
    }).catch(function () {
      self.echecs += 1;
      if (self.echecs > ESSAIS_MAX) {
        self.abandonner();
        return;
      }
      // Attente croissante : 4 s, 8 s, 16 s, 32 s, 64 s.
      self.planifier(INTERVALLE_MS * Math.pow(2, self.echecs));
    });
  };

  SuiviTraitement.prototype.appliquer = function (donnees) {
    var statut = typeof donnees.status === "string" ? donnees.status : this.statut;
    var valeur = parseInt(donnees.progress, 10);
    if (isNaN(valeur)) {
      valeur = this.barre ? parseInt(this.barre.getAttribute("value"), 10) || 0 : 0;
    }
    valeur = Math.max(0, Math.min(100, valeur));
    if (statut === "finished") {
      valeur = 100;
    }

    // Barre et pourcentage (hors zone aria-live : pas d'annonce à chaque pas).
    if (this.barre) {
      this.barre.value = valeur;
      this.barre.setAttribute("value", String(valeur));
      this.barre.textContent = valeur + " %";
    }
    if (this.pourcentage) {
      this.pourcentage.textContent = valeur + " %";
    }

    // Statut (dans la zone aria-live : annoncé seulement s'il change).
    var libelle = (typeof donnees.status_label === "string" && donnees.status_label) ||
      LIBELLES[statut] || statut;
    if (this.libelleStatut && this.libelleStatut.textContent !== libelle) {
      this.libelleStatut.textContent = libelle;
    }
    if (statut !== this.statut) {
      this.racine.classList.remove("avancement--" + this.statut);
      this.racine.classList.add("avancement--" + statut);
      this.racine.setAttribute("data-job-status", statut);
      this.statut = statut;
    }

    // Message éventuel.
    if (this.message) {
      var texte = typeof donnees.message === "string" ? donnees.message : "";
      if (this.message.textContent !== texte) {
        this.message.textContent = texte;
      }
      this.message.hidden = texte === "";
    }

    // Lien de résultat.
    if (this.resultat) {
      var url = statut === "finished" ? urlSure(donnees.result_url) : null;
      if (url) {
        var lien = this.resultat.querySelector("a");
        if (!lien) {
          lien = document.createElement("a");
          lien.className = "bouton bouton--principal";
          lien.textContent = "Télécharger le résultat";
          this.resultat.appendChild(lien);
        }
        lien.setAttribute("href", url);
        this.resultat.hidden = false;
      }
    }
  };

  SuiviTraitement.prototype.abandonner = function () {
    window.clearTimeout(this.minuteur);
    if (this.message) {
      this.message.textContent = MESSAGE_ECHEC_RESEAU;
      this.message.hidden = false;
    } else {
      var annonce = this.racine.querySelector("[data-job-annonce]") || this.racine;
      var p = document.createElement("p");
      p.textContent = MESSAGE_ECHEC_RESEAU;
      annonce.appendChild(p);
    }
    var sansJs = this.racine.querySelector("[data-job-sans-js]");
    if (sansJs) {
      sansJs.hidden = false;
    }
  };

  function initialiserSuivis() {
    var racines = document.querySelectorAll("[data-job-status-url]");
    for (var i = 0; i < racines.length; i++) {
      new SuiviTraitement(racines[i]).demarrer();
    }
  }

  /* ------------------------------------------------------------------ *
   * c) Récapitulatif des erreurs de formulaire
   * ------------------------------------------------------------------ */

  function initialiserResumeErreurs() {
    var resume = document.querySelector("[data-resume-erreurs]");
    if (!resume) {
      return;
    }
    if (!resume.hasAttribute("tabindex")) {
      resume.setAttribute("tabindex", "-1");
    }
    resume.focus();

    // Un lien du récapitulatif place le focus sur le champ et fait défiler
    // la page pour que son libellé reste visible.
    resume.addEventListener("click", function (event) {
      var lien = event.target && event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!lien) {
        return;
      }
      var id = decodeURIComponent(lien.getAttribute("href").slice(1));
      var champ = document.getElementById(id);
      if (!champ) {
        return;
      }
      event.preventDefault();
      var conteneur = champ.closest(".champ") || champ;
      if (conteneur.scrollIntoView) {
        conteneur.scrollIntoView();
      }
      champ.focus({ preventScroll: true });
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#" + id);
      }
    });
  }

  initialiserResumeErreurs();
  initialiserSuivis();
})();
