// Substances an enterprise declares (its risk inventory) offered where a substance is
// typed: a <select data-held-url> (one enterprise, or several with `multiple`) fills the
// datalist named by data-held-list and the hint named by data-held-hint. Any other
// substance may still be typed. data-held-url ends in /0/…: the enterprise's id replaces 0.
(function () {
  "use strict";
  document.querySelectorAll("select[data-held-url]").forEach(function (select) {
    var list = document.getElementById(select.dataset.heldList);
    var hint = document.getElementById(select.dataset.heldHint);
    if (!list || !hint) { return; }
    var url = function (id) {
      return select.dataset.heldUrl.replace("/0/", "/" + encodeURIComponent(id) + "/");
    };
    var latest = 0;

    function show(items) {
      list.textContent = "";
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.name;
        option.label = item.name + " · " + item.max_quantity_t + " t" + (item.storage ? " · " + item.storage : "");
        list.appendChild(option);
      });
      hint.textContent = items.length ? select.dataset.heldLabel + " " + items.map(function (item) {
        return item.name + " " + item.max_quantity_t + " t";
      }).join("、") : "";
      hint.hidden = !items.length;
    }

    function load() {
      var ids = Array.prototype.filter.call(select.selectedOptions, function (o) { return o.value; })
        .map(function (o) { return o.value; }).slice(0, 20);
      var call = ++latest;
      Promise.all(ids.map(function (id) {
        return fetch(url(id), {credentials: "same-origin", headers: {Accept: "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {items: []}; })
          .catch(function () { return {items: []}; });
      })).then(function (answers) {
        if (call !== latest) { return; }  // a later choice has been made meanwhile
        var seen = {}, items = [];
        answers.forEach(function (body) {
          (body.items || []).forEach(function (item) {
            if (!seen[item.name]) { seen[item.name] = true; items.push(item); }
          });
        });
        show(items);
      });
    }

    select.addEventListener("change", load);
    load();
  });
})();
