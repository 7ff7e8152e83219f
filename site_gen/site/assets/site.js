/* Site-wide accessibility fixes to the theme's markup, applied on every page view. */
(function () {
  "use strict";
  function fix() {
    // Material's search overlay is role="dialog" without a name (axe: aria-dialog-name).
    document.querySelectorAll(".md-search[role='dialog']:not([aria-label])").forEach(function (node) {
      node.setAttribute("aria-label", "Search");
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(fix);
  else document.addEventListener("DOMContentLoaded", fix);
})();
