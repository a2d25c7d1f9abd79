// The live dashboard: ask the server every half second whether anything changed, and swap in the
// new contents when it did. The state lives in the database, so any app process can answer.
// The half second runs from the start of one request to the start of the next, so a slow answer
// does not add its own time to the wait; there is never more than one request in flight.
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-live-url");
  var version = box.getAttribute("data-version");
  var period = 500;
  var backoff = period;  // after a failure: doubled each time, up to ten seconds

  function poll() {
    var started = Date.now();
    fetch(url + "?version=" + encodeURIComponent(version), {
      credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store"
    }).then(function (response) {
      if (response.status === 200) {
        return response.json().then(function (data) {
          version = data.version;
          box.setAttribute("data-version", version);
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
