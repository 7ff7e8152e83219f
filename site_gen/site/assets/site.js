/* Loaded first on every page: a hook for the other scripts, and accessibility fixes to the
   theme's markup.  Material's instant navigation swaps pages without a reload; its
   document$ observable tells us when, so every page view runs the registered setups. */
(function () {
  "use strict";

  function onEveryPage(setup) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setup);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", setup);
    } else {
      setup();
    }
  }
  window.caseLibrary = { onEveryPage: onEveryPage };

  // Quiz answers and findings arrive sealed (base64, see site_gen.site.generator.seal) so that
  // nothing of them can be read, searched or indexed before the reader asks for them.
  function reveal(box) {
    var bytes = Uint8Array.from(atob(box.dataset.sealed), function (c) { return c.charCodeAt(0); });
    var content = document.createElement("div");
    content.className = "sg-revealed";
    content.innerHTML = new TextDecoder().decode(bytes);  // HTML rendered and escaped by the build
    box.replaceWith(content);
    content.setAttribute("tabindex", "-1");
    content.focus();
  }

  onEveryPage(function () {
    document.querySelectorAll(".sg-sealed[data-sealed] .sg-reveal").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () { reveal(button.closest(".sg-sealed")); });
    });
    // Material's search overlay is role="dialog" without a name (axe: aria-dialog-name).
    document.querySelectorAll(".md-search[role='dialog']:not([aria-label])").forEach(function (node) {
      node.setAttribute("aria-label", "Search");
    });
  });
})();
