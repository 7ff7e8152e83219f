/* "Find cases": client-side faceted filtering (system x modality x age group x tag) over a
   JSON manifest of every case.  Values of one facet are OR-ed, facets are AND-ed.  Counts and
   results are recomputed from arrays of indexes, so thousands of cases filter instantly.
   The chosen filters live in the address (?s=Chest&m=CT), so a filtered view can be shared
   and survives reloads and the Back button.  Results come first; the filters sit in a
   panel that is open on wide screens and folded on phones. */
(function () {
  "use strict";

  var FACETS = [
    { key: "s", label: "System", multi: true },
    { key: "m", label: "Modality", multi: true },
    { key: "a", label: "Age group", multi: false },
    { key: "g", label: "Tag", multi: true }
  ];
  var PAGE = 100;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function valuesOf(item, key) { var v = item[key]; return Array.isArray(v) ? v : [v]; }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var manifestUrl = new URL(root.dataset.manifest, document.baseURI);
    var siteRoot = new URL("../../", manifestUrl);  // the manifest sits in assets/case-library/
    var status = root.querySelector(".sg-finder__status");
    var facetsBox = root.querySelector(".sg-finder__facets");
    var results = root.querySelector(".sg-finder__results");
    var panel = root.querySelector(".sg-finder__panel");
    var chosen = root.querySelector(".sg-finder__chosen");
    if (panel && window.matchMedia("(min-width: 60em)").matches) panel.open = true;
    fetch(manifestUrl).then(function (r) { return r.json(); }).then(function (cases) {
      var selected = {};
      var params = new URLSearchParams(location.search);
      FACETS.forEach(function (f) { selected[f.key] = new Set(params.getAll(f.key)); });
      var inputs = {};

      FACETS.forEach(function (facet) {
        var counts = {};
        cases.forEach(function (c) { valuesOf(c, facet.key).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; }); });
        var values = Object.keys(counts).sort(function (a, b) { return facet.key === "g" ? counts[b] - counts[a] || a.localeCompare(b) : a.localeCompare(b); });
        if (!values.length) return;
        var box = el("fieldset", { "class": "sg-facet", "data-facet": facet.key });
        box.appendChild(el("legend", {}, facet.label));
        inputs[facet.key] = values.map(function (value) {
          var id = "f-" + facet.key + "-" + value.replace(/[^a-z0-9]+/gi, "-");
          var input = el("input", { type: "checkbox", id: id, value: value, name: facet.key });
          input.checked = selected[facet.key].has(value);
          var label = el("label", { "for": id });
          label.appendChild(input);
          label.appendChild(document.createTextNode(" " + value + " "));
          var count = el("span", { "class": "sg-count" }, String(counts[value]));
          label.appendChild(count);
          input.addEventListener("change", function () {
            if (input.checked) selected[facet.key].add(value); else selected[facet.key].delete(value);
            shown = PAGE;
            update(true);
          });
          box.appendChild(label);
          return { input: input, value: value, count: count, label: label };
        });
        facetsBox.appendChild(box);
      });
      var clear = el("button", { type: "button", "class": "sg-button" }, "Clear filters");
      clear.addEventListener("click", function () {
        FACETS.forEach(function (f) { selected[f.key].clear(); (inputs[f.key] || []).forEach(function (i) { i.input.checked = false; }); });
        update(true);
      });
      facetsBox.appendChild(clear);

      function matches(c, except) {
        return FACETS.every(function (f) {
          if (f.key === except || !selected[f.key].size) return true;
          return valuesOf(c, f.key).some(function (v) { return selected[f.key].has(v); });
        });
      }

      // The address holds the filters: ?s=Chest&m=CT (history entries, so Back undoes a filter).
      function remember() {
        var query = new URLSearchParams();
        FACETS.forEach(function (f) { Array.from(selected[f.key]).sort().forEach(function (v) { query.append(f.key, v); }); });
        var text = query.toString(), url = location.pathname + (text ? "?" + text : "") + location.hash;
        if (url !== location.pathname + location.search + location.hash) history.pushState(history.state, "", url);
      }
      window.addEventListener("popstate", function () {
        if (!document.body.contains(root)) return;
        var now = new URLSearchParams(location.search);
        FACETS.forEach(function (f) {
          selected[f.key] = new Set(now.getAll(f.key));
          (inputs[f.key] || []).forEach(function (i) { i.input.checked = selected[f.key].has(i.value); });
        });
        update(false);
      });

      var shown = PAGE;
      function update(push) {
        if (push) remember();
        var count = FACETS.reduce(function (n, f) { return n + selected[f.key].size; }, 0);
        if (chosen) chosen.textContent = count ? "(" + count + " chosen)" : "";
        var hits = cases.filter(function (c) { return matches(c, null); });
        // Each facet's counts: what choosing that value would give, given the other facets.
        FACETS.forEach(function (f) {
          var counts = {};
          cases.forEach(function (c) { if (matches(c, f.key)) valuesOf(c, f.key).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; }); });
          (inputs[f.key] || []).forEach(function (i) { i.count.textContent = String(counts[i.value] || 0); });
        });
        results.textContent = "";
        hits.slice(0, shown).forEach(function (c) {
          var li = el("li", { "class": "sg-case-item" });
          var href = new URL(c.u, siteRoot).href;
          var thumbLink = el("a", { "class": "sg-case-item__thumb", href: href, tabindex: "-1", "aria-hidden": "true" });
          if (c.i) thumbLink.appendChild(el("img", { src: new URL(c.i, siteRoot).href, alt: "", width: "80", height: "80",
                                                      loading: "lazy", decoding: "async" }));
          li.appendChild(thumbLink);
          var text = el("span", { "class": "sg-case-item__text" });
          text.appendChild(el("a", { href: href }, c.t));
          text.appendChild(document.createTextNode(" "));
          text.appendChild(el("span", { "class": "sg-case-list__meta" }, c.x + " · " + c.m.join(", ") + " · " + c.s.join(", ")));
          li.appendChild(text);
          results.appendChild(li);
        });
        if (hits.length > shown) {
          var more = el("li");
          var button = el("button", { type: "button", "class": "sg-button" }, "Show " + Math.min(PAGE, hits.length - shown) + " more");
          button.addEventListener("click", function () { shown += PAGE; update(); });
          more.appendChild(button);
          results.appendChild(more);
        }
        status.textContent = hits.length + " of " + cases.length + " cases";
        root.dataset.results = String(hits.length);
      }
      update(false);
    }, function () {
      status.textContent = "The case list could not be loaded.";
    });
  }

  window.caseLibrary.onEveryPage(function () { document.querySelectorAll(".sg-finder").forEach(setup); });
})();
