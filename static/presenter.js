// The presenter view's keys: arrow right, space or page down shows the next indicator in agenda
// order, arrow left or page up the previous one, Home the join code. Each press (and each button
// below the slide) is posted like the plain form would be, and the new slide swapped in at once;
// live.js keeps polling for what the facilitator's laptop changes.
(function () {
  "use strict";
  var form = document.querySelector("form[data-presenter-nav]");
  var box = document.getElementById("live");
  var announcer = document.getElementById("live-announce");
  if (!form || !box || !window.fetch || !window.FormData) { return; }
  var keys = { ArrowRight: "next", " ": "next", PageDown: "next", ArrowLeft: "previous",
               PageUp: "previous", Home: "join" };
  var plain = false;  // after a failed fetch: let the form post itself
  // One move at a time: two quick presses are two steps, each from where the last one ended.
  var queue = Promise.resolve();

  function send(button) {
    var data = new FormData();
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    data.append(button.name, button.value);
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", cache: "no-store",
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrf_token") }
    }).then(function (response) {
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    }).then(function (slide) {
      box.innerHTML = slide.html;
      box.setAttribute("data-version", slide.version);
      if (announcer) { announcer.textContent = slide.announce; }
    }).catch(function () {
      plain = true;
      form.requestSubmit(button);  // fall back to the plain form
    });
  }

  form.addEventListener("submit", function (event) {
    if (plain || !event.submitter) { return; }
    event.preventDefault();
    var button = event.submitter;
    queue = queue.then(function () { return send(button); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var target = event.target;
    // Space and arrows on a focused button or link keep their own meaning.
    if (target && target.closest && target.closest("button, a, input, select, textarea")) { return; }
    var action = keys[event.key];
    if (!action) { return; }
    event.preventDefault();
    var button = form.querySelector("[data-key=" + action + "]");
    queue = queue.then(function () { return send(button); });
  });
})();
