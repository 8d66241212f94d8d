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
  document.querySelectorAll("[data-toggle]").forEach(function (toggle) {
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
  });
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// The phone header: search and the menu stay behind two toggles ("Tìm
// kiếm", "Danh mục"). They are links that work without this script (the
// search page, and #main-nav shown by :target); here they open in place.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest("[data-toggle]");
  if (!toggle) {
    return;
  }
  var target = document.getElementById(toggle.getAttribute("data-toggle"));
  if (!target) {
    return;
  }
  event.preventDefault();
  var open = !target.classList.contains("open");
  target.classList.toggle("open", open);
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  if (open) {
    var field = target.querySelector("input[type=search]");
    if (field) {
      field.focus();
    }
  }
});

// Search on a phone: results first, the facets folded under "Lọc kết quả".
document.addEventListener("DOMContentLoaded", function () {
  var facets = document.querySelector("[data-facets]");
  if (facets && window.matchMedia("(max-width: 48rem)").matches) {
    facets.removeAttribute("open");
  }
});
