// Live conditions on a form step: show a question only when the answer it depends on matches.
// The server applies the same rule; without JavaScript every question of the step is shown.
(function () {
  "use strict";
  // A bank's preview (preview-form) gets the live conditions, but keeps no drafts.
  var form = document.getElementById("step-form") || document.getElementById("preview-form");
  if (!form) { return; }

  function currentValues(name) {
    var fields = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    fields.forEach(function (field) {
      if ((field.type === "radio" || field.type === "checkbox")) {
        if (field.checked) { values.push(field.value); }
      } else if (field.value) {
        values.push(field.value);
      }
    });
    return values;
  }

  function normalise(value) {
    if (value === true) { return "yes"; }
    if (value === false) { return "no"; }
    return String(value);
  }

  function update() {
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      var name = block.getAttribute("data-show-if");
      if (!form.querySelector('[name="' + name + '"]')) { return; } // depends on another step
      var wanted = JSON.parse(block.getAttribute("data-show-values")).map(normalise);
      var shown = currentValues(name).some(function (v) { return wanted.indexOf(v) !== -1; });
      block.hidden = !shown;
    });
  }

  form.addEventListener("change", update);
  form.querySelectorAll(".condition-note").forEach(function (note) { note.hidden = true; });
  if (form.id === "preview-form") { update(); return; }

  // Drafts in the browser: what is typed is kept in localStorage until the server has it, so a
  // dropped connection or a closed tab loses nothing. A draft older than the saved answers is dropped.
  var key = "draft:" + form.getAttribute("action");
  var savedAt = Date.parse(form.getAttribute("data-saved-at") || "") || 0;
  var notice = document.getElementById("draft-notice");

  function collect() {
    var data = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "submit") { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      data.push([el.name, el.value]);
    });
    return data;
  }

  function store() {
    try {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: collect() }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function restore() {
    var draft;
    try { draft = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { draft = null; }
    if (!draft || draft.at <= savedAt || form.hasAttribute("data-has-errors")) { return; }
    if (JSON.stringify(draft.data) === JSON.stringify(collect())) {  // the server has it all
      localStorage.removeItem(key);
      return;
    }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "submit") { return; }
      var values = draft.data.filter(function (pair) { return pair[0] === el.name; })
        .map(function (pair) { return pair[1]; });
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else {
        el.value = values.length ? values[0] : "";
      }
    });
    if (notice) { notice.hidden = false; }
  }

  restore();
  form.addEventListener("input", store);
  form.addEventListener("change", store);
  form.addEventListener("submit", function (event) {
    store();
    if (navigator.onLine === false) {
      event.preventDefault();
      var offline = document.getElementById("offline-notice");
      if (offline) { offline.hidden = false; offline.focus(); }
    }
  });
  window.addEventListener("online", function () {
    var offline = document.getElementById("offline-notice");
    if (offline) { offline.hidden = true; }
  });
  update();

  var summary = document.getElementById("error-summary");
  if (summary) {
    var first = form.querySelector('[aria-invalid="true"]');
    (first || summary).focus();
  }
})();
