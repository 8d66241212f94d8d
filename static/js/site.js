// Behaviour of the public pages, kept out of the HTML: the sites' CSP allows
// no inline script (base/security.py).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
