// While a citizen types a question, show answered questions like it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-similar]");
  if (!form || !window.fetch) return;
  var box = document.getElementById("similar");
  var list = box.querySelector("ul");
  var fields = ["id_title", "id_body"].map(function (id) { return document.getElementById(id); });
  var timer = null, last = "";
  function lookup() {
    var text = fields.map(function (f) { return f ? f.value : ""; }).join(" ").trim();
    if (text.split(/\s+/).length < 2 || text === last) return;
    last = text;
    fetch(form.dataset.similar + "?q=" + encodeURIComponent(text.slice(0, 300)))
      .then(function (r) { return r.ok ? r.json() : { similar: [] }; })
      .then(function (data) {
        list.textContent = "";
        data.similar.forEach(function (s) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = s.url; a.textContent = s.title; a.target = "_blank";
          li.appendChild(a); list.appendChild(li);
        });
        box.hidden = data.similar.length === 0;
      })
      .catch(function () {});
  }
  fields.forEach(function (f) {
    if (f) f.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 300); });
  });
})();
