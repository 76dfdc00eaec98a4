/*
 * Choix d'une ligne parmi beaucoup (un participant, une mission) : le champ de recherche devient
 * une liste déroulante à saisie, selon le motif « combobox » de WAI-ARIA (liste de suggestions).
 * Amélioration progressive en JavaScript natif : sans ce script, le texte saisi est envoyé et le
 * serveur choisit la seule ligne trouvée ou propose les lignes trouvées (blueprints/choosers.py).
 *
 * Balisage (macro field de components/forms.html) :
 *   <div data-choix-recherche data-choix-url="URL_DE_RECHERCHE" data-choix-noms="participant|participants">
 *     <label for="ID">…</label> <input type="text" id="ID" name="NOM-texte">
 *     <input type="hidden" name="NOM" data-choix-valeur>
 *   </div>
 * L'adresse de recherche répond { resultats: [{ id, libelle }], suite: booléen }.
 *
 * Clavier : flèche bas / haut parcourt les suggestions (la liste s'ouvre au besoin), Entrée choisit
 * la suggestion active, Échap ferme la liste (puis efface le texte), Alt + flèche bas ouvre la liste.
 * Le nombre de suggestions est annoncé par une zone « polite ».
 */
(function () {
  "use strict";

  var DELAI = 200;
  var LIMITE = 10;

  var initialiser = function (bloc) {
    var champ = bloc.querySelector("input[type=text]");
    var valeur = bloc.querySelector("input[data-choix-valeur]");
    if (!champ || !valeur) {
      return; // les résultats proposés par le serveur (boutons radio) restent tels quels
    }
    var noms = (bloc.getAttribute("data-choix-noms") || "résultat|résultats").split("|");
    var adresse = bloc.getAttribute("data-choix-url");
    var liste = document.createElement("ul");
    var annonce = document.createElement("p");
    var idListe = champ.id + "-suggestions";
    var options = [];
    var active = -1;
    var minuterie = null;
    var demande = 0;
    var choisi = champ.value;

    liste.id = idListe;
    liste.className = "choix__liste";
    liste.setAttribute("role", "listbox");
    liste.setAttribute("aria-label", (bloc.querySelector("label") || champ).textContent.trim());
    liste.hidden = true;
    annonce.className = "visually-hidden";
    annonce.setAttribute("aria-live", "polite");
    champ.insertAdjacentElement("afterend", liste);
    liste.insertAdjacentElement("afterend", annonce);

    champ.setAttribute("role", "combobox");
    champ.setAttribute("aria-autocomplete", "list");
    champ.setAttribute("aria-expanded", "false");
    champ.setAttribute("aria-controls", idListe);

    var ouvrir = function (ouverte) {
      liste.hidden = !ouverte;
      champ.setAttribute("aria-expanded", ouverte ? "true" : "false");
      if (!ouverte) {
        activer(-1);
      }
    };

    var activer = function (index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("choix__option--active", i === index);
      });
      active = index;
      if (index >= 0) {
        champ.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        champ.removeAttribute("aria-activedescendant");
      }
    };

    var choisir = function (index) {
      var option = options[index];
      valeur.value = option.getAttribute("data-valeur");
      champ.value = option.textContent;
      choisi = champ.value;
      ouvrir(false);
      annonce.textContent = "Choisi : " + champ.value + ".";
    };

    var afficher = function (reponse) {
      liste.textContent = "";
      options = reponse.resultats.map(function (ligne, i) {
        var option = document.createElement("li");
        option.id = idListe + "-" + i;
        option.className = "choix__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-valeur", String(ligne.id));
        option.textContent = ligne.libelle;
        option.addEventListener("mousedown", function (evenement) {
          evenement.preventDefault(); // le champ garde le focus
        });
        option.addEventListener("click", function () {
          choisir(i);
        });
        liste.appendChild(option);
        return option;
      });
      var nombre = options.length;
      if (nombre === 0) {
        annonce.textContent = "Aucun " + noms[0] + " ne correspond.";
      } else {
        annonce.textContent = nombre + " " + (nombre > 1 ? noms[1] : noms[0]) +
          (reponse.suite ? " affichés, d'autres correspondent : précisez la recherche." : "") +
          " Flèches haut et bas pour parcourir, Entrée pour choisir.";
      }
      ouvrir(nombre > 0);
    };

    var chercher = function () {
      var texte = champ.value.trim();
      var numero = ++demande;
      if (!texte) {
        ouvrir(false);
        return;
      }
      var url = adresse + "?limite=" + LIMITE + "&q=" + encodeURIComponent(texte);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (reponse) {
          return reponse.ok ? reponse.json() : Promise.reject(reponse);
        })
        .then(function (reponse) {
          if (numero === demande) {
            afficher(reponse);
          }
        })
        .catch(function () {
          if (numero === demande) {
            ouvrir(false);
            annonce.textContent = "La recherche n'a pas abouti : le texte saisi sera cherché à l'envoi du formulaire.";
          }
        });
    };

    champ.addEventListener("input", function () {
      if (champ.value !== choisi) {
        valeur.value = ""; // le texte ne désigne plus la ligne choisie
      }
      clearTimeout(minuterie);
      minuterie = setTimeout(chercher, DELAI);
    });

    champ.addEventListener("keydown", function (evenement) {
      var ouverte = !liste.hidden;
      switch (evenement.key) {
        case "ArrowDown":
          evenement.preventDefault();
          if (!ouverte) {
            if (options.length) {
              ouvrir(true);
            } else {
              chercher();
              return;
            }
          }
          if (!evenement.altKey && options.length) {
            activer(active + 1 < options.length ? active + 1 : 0);
          }
          break;
        case "ArrowUp":
          if (ouverte && options.length) {
            evenement.preventDefault();
            activer(active > 0 ? active - 1 : options.length - 1);
          }
          break;
        case "Enter":
          if (ouverte && active >= 0) {
            evenement.preventDefault(); // choisir, et non envoyer le formulaire
            choisir(active);
          }
          break;
        case "Escape":
          if (ouverte) {
            evenement.preventDefault();
            ouvrir(false);
          } else if (champ.value) {
            evenement.preventDefault();
            champ.value = "";
            valeur.value = "";
            choisi = "";
          }
          break;
        default:
          break;
      }
    });

    champ.addEventListener("blur", function () {
      ouvrir(false);
    });
  };

  Array.prototype.forEach.call(document.querySelectorAll("[data-choix-recherche]"), initialiser);
})();
