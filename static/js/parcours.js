/* Parcours: small progressive enhancements. Every page works without this file; with it,
 * - the phone-width menu folds behind a "Menu" button;
 * - a table wider than the screen becomes focusable, so the keyboard can scroll it;
 * - each cell of a list table carries its column's heading (`data-label`), which the stylesheet
 *   shows when the rows become stacked cards at phone width (without the script, the table scrolls);
 * - forms marked `data-enhance` (ticking a deliverable or an action item) are sent with fetch and
 *   the sections named in `data-refresh` are replaced from the page the server answers, without a
 *   full reload: focus stays on the toggled button and the flash message is announced (role=status).
 * - a form's error summary takes the focus (read first), and its links move to the field;
 * - a text field with a length limit counts the characters left as the user types.
 * No inline script anywhere (the CSP allows only this file); nothing is fetched from elsewhere.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  /* The menu button (shown at phone width by the stylesheet, only when this script runs). */
  function setUpMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) return;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        menu.classList.remove("open");
        toggle.focus();
      }
    });
  }

  /* A table wider than the screen scrolls sideways (see the stylesheet), as do `.scroll` boxes: make
   * them reachable with the keyboard (arrow keys scroll a focused box) while they do, and only then. */
  function markScrollingTables() {
    var tables = document.querySelectorAll("table.list, .scroll");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.setAttribute("data-scrolls", "");
      } else if (!scrolls && table.hasAttribute("data-scrolls")) {
        table.removeAttribute("tabindex");
        table.removeAttribute("data-scrolls");
      }
    }
  }

  /* At phone width list tables become stacked cards (see the stylesheet): each cell shows its
   * column's heading, taken from the table's head. Cells that are row headings stay the card's title. */
  function labelTableCells() {
    var tables = document.querySelectorAll("table.list");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!headRow || table.classList.contains("cards")) continue;
      var labels = [];
      for (var c = 0; c < headRow.cells.length; c++) {
        var span = headRow.cells[c].colSpan || 1;
        var head = headRow.cells[c];
        var hidden = head.querySelector(".sr-only");
        // A heading only screen readers hear (a column of links) labels nothing on the card.
        var text = hidden && hidden.textContent === head.textContent ? ""
          : (head.innerText || head.textContent).trim().replace(/\s*\n\s*/g, " · ").replace(/[ \t]+/g, " ");
        for (var k = 0; k < span; k++) labels.push(text);
      }
      for (var b = 0; b < table.tBodies.length; b++) {
        var rows = table.tBodies[b].rows;
        for (var r = 0; r < rows.length; r++) {
          var column = 0;
          for (var d = 0; d < rows[r].cells.length; d++) {
            var cell = rows[r].cells[d];
            if (cell.tagName === "TD" && labels[column]) cell.setAttribute("data-label", labels[column]);
            column += cell.colSpan || 1;
          }
        }
      }
      table.classList.add("cards");
    }
  }

  /* Forms sent in the background ------------------------------------------------------------ */

  function samePage(url) {
    var target = new URL(url, window.location.href);
    return target.origin === window.location.origin && target.pathname === window.location.pathname;
  }

  function focusAgain(action, ids) {
    // The toggled form's button, found again in the new sections by the form's action.
    for (var i = 0; i < ids.length; i++) {
      var section = document.getElementById(ids[i]);
      if (!section) continue;
      var forms = section.querySelectorAll("form[action]");
      for (var j = 0; j < forms.length; j++) {
        if (forms[j].getAttribute("action") === action) {
          var button = forms[j].querySelector("button, [type=submit]");
          if (button) { button.focus(); return; }
        }
      }
    }
  }

  function swap(html, form) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var ids = (form.getAttribute("data-refresh") || "").split(/\s+/).filter(Boolean);
    var action = form.getAttribute("action");
    var hadFocus = form.contains(document.activeElement);
    ids.forEach(function (id) {
      var current = document.getElementById(id);
      var fresh = doc.getElementById(id);
      if (current && fresh) current.replaceWith(document.importNode(fresh, true));
    });
    var flashes = document.getElementById("flashes");
    var freshFlashes = doc.getElementById("flashes");
    if (flashes && freshFlashes) flashes.innerHTML = freshFlashes.innerHTML;  // role=status: announced
    labelTableCells();
    markScrollingTables();
    if (hadFocus) focusAgain(action, ids);
    document.dispatchEvent(new CustomEvent("parcours:updated", {detail: {sections: ids}}));
  }

  function sendInBackground(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-enhance")) return;
    if (!window.fetch || !window.DOMParser || !form.getAttribute("action")) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;  // a double click sends once
    form.setAttribute("aria-busy", "true");
    var fallBack = function () { form.removeAttribute("aria-busy"); form.submit(); };
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"},
      redirect: "follow",
    }).then(function (response) {
      if (!response.ok) {
        // Refused before anything changed (expired form, gone, forbidden): let the browser show it.
        fallBack();
        return;
      }
      if (!samePage(response.url)) {
        window.location.assign(response.url);  // e.g. signed out meanwhile: the sign-in page
        return;
      }
      return response.text().then(function (html) {
        form.removeAttribute("aria-busy");
        swap(html, form);
      });
    }).catch(fallBack);
  }

  /* Forms that help ------------------------------------------------------------------------ */

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  function countOne(field) {
    var counter = document.querySelector('[data-counter-for="' + field.id + '"]');
    if (!counter) return;
    var limit = parseInt(field.getAttribute("data-maxlength"), 10);
    var left = limit - field.value.length;
    var template = left >= 0 ? counter.getAttribute("data-left") : counter.getAttribute("data-over");
    counter.textContent = (template || "%n").replace("%n", String(Math.abs(left)));
    counter.classList.toggle("over", left < 0);
    counter.hidden = false;
  }

  function setUpCounters() {
    var fields = document.querySelectorAll("[data-maxlength]");
    for (var i = 0; i < fields.length; i++) countOne(fields[i]);
    document.addEventListener("input", function (event) {
      if (event.target.hasAttribute && event.target.hasAttribute("data-maxlength")) countOne(event.target);
    });
  }

  // A file over the limit is cleared as soon as it is chosen, with the reason beside the field: the form
  // then saves every answer without it, rather than sending a body the server must refuse unread.
  function checkFileSize(event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var file = input.files && input.files[0];
    var note = document.getElementById(input.id + "-size-error");
    if (note) note.remove();
    if (!file || file.size <= limit) return;
    note = document.createElement("p");
    note.id = input.id + "-size-error";
    note.className = "errors";
    note.setAttribute("role", "alert");
    note.textContent = input.getAttribute("data-too-large").replace("%name", file.name);
    input.value = "";
    input.insertAdjacentElement("afterend", note);
  }

  function start() {
    setUpMenu();
    labelTableCells();
    focusErrorSummary();
    setUpCounters();
    markScrollingTables();
    window.addEventListener("resize", markScrollingTables);
  }

  document.addEventListener("submit", sendInBackground);
  document.addEventListener("change", checkFileSize);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
