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

  onEveryPage(function () {
    // Material's search overlay is role="dialog" without a name (axe: aria-dialog-name).
    document.querySelectorAll(".md-search[role='dialog']:not([aria-label])").forEach(function (node) {
      node.setAttribute("aria-label", "Search");
    });
  });
})();
