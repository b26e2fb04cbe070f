// The report form: with an enterprise chosen, the substances it declares in its risk
// inventory are offered in the pollutant field (a datalist: any other may still be typed),
// and named under it with their maximum quantities.
(function () {
  "use strict";
  var select = document.getElementById("f-enterprise_id");
  var list = document.getElementById("substance-options");
  var hint = document.getElementById("held-hint");
  if (!select || !list || !hint) { return; }

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
    if (!select.value) { show([]); return; }
    fetch(select.dataset.heldUrl + encodeURIComponent(select.value), {credentials: "same-origin",
                                                                         headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {items: []}; })
      .then(function (body) { show(body.items || []); })
      .catch(function () { show([]); });
  }

  select.addEventListener("change", load);
  load();
})();
