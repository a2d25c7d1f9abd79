// Personal links on the facilitator's session page: a click on "Copy" puts the link on the
// clipboard; focusing the field selects its text, so that without the button it copies by hand.
(function () {
  "use strict";
  document.querySelectorAll("input.link-field").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
  if (!navigator.clipboard) {
    return;  // the buttons stay hidden; the fields still select on focus
  }
  document.querySelectorAll("button.copy-link").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) {
      return;
    }
    var label = button.firstChild.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.firstChild.textContent = button.dataset.copied;
        setTimeout(function () { button.firstChild.textContent = label; }, 2000);
      }, function () {
        field.focus();
        field.select();
      });
    });
  });
})();
