// The live dashboard and the presenter view: ask the server every half second whether anything
// changed, and swap in the new contents when it did. The state lives in the database, so any app
// process can answer. Only the short text in #live-announce (aria-live="polite") is announced, and
// only when it changes: the counts on the dashboard, what is on the wall on the presenter view.
// The half second runs from the start of one request to the start of the next, so a slow answer
// does not add its own time to the wait; there is never more than one request in flight.
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-live-url");
  var announcer = document.getElementById("live-announce");
  var period = 500;
  var backoff = period;  // after a failure: doubled each time, up to ten seconds

  function poll() {
    var started = Date.now();
    // Read afresh each time: presenter.js swaps in a new slide and its version too.
    var version = box.getAttribute("data-version");
    fetch(url + "?version=" + encodeURIComponent(version), {
      credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store"
    }).then(function (response) {
      if (response.status === 200) {
        return response.json().then(function (data) {
          box.setAttribute("data-version", data.version);
          if (announcer && typeof data.announce === "string" && announcer.textContent.trim() !== data.announce) {
            announcer.textContent = data.announce;
          }
          // Keep open what the facilitator had opened.
          var open = Array.prototype.map.call(box.querySelectorAll("details[open]"), function (d) { return d.id; });
          box.innerHTML = data.html;
          open.forEach(function (id) {
            var details = id && document.getElementById(id);
            if (details) { details.open = true; }
          });
        });
      }
      if (response.status !== 204) { throw new Error("status " + response.status); }
    }).then(function () {
      backoff = period;
      box.removeAttribute("data-offline");
      return Math.max(0, period - (Date.now() - started));
    }, function () {
      backoff = Math.min(backoff * 2, 10000);  // server away: back off, then keep trying
      box.setAttribute("data-offline", "true");
      return backoff;
    }).then(function (delay) {
      window.setTimeout(poll, delay);
    });
  }
  window.setTimeout(poll, period);
})();
