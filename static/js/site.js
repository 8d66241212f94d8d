// Behaviour of the public pages, kept out of the HTML: the sites' CSP allows
// no inline script (base/security.py).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// A form that came back with errors: the summary takes the focus, so
// screen readers read it and phones scroll to it (GOV.UK error summary).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
