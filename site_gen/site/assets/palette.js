/* The reader's saved colour scheme (light/dark), applied before the page is painted: Material's
   inline palette script, as a file for the site's Content-Security-Policy.  A scheme saved as
   "follow the system" takes the palette entry matching the system's current preference. */
(function () {
  "use strict";
  var palette = window.__md_get("__palette");
  if (!palette || !palette.color) return;
  if (palette.color.media === "(prefers-color-scheme)") {
    var light = matchMedia("(prefers-color-scheme: light)").matches;
    var input = document.querySelector("[data-md-color-media='(prefers-color-scheme: " + (light ? "light" : "dark") + ")']");
    if (input) {
      ["media", "scheme", "primary", "accent"].forEach(function (name) {
        palette.color[name] = input.getAttribute("data-md-color-" + name);
      });
    }
  }
  Object.keys(palette.color).forEach(function (name) {
    document.body.setAttribute("data-md-color-" + name, palette.color[name]);
  });
})();
