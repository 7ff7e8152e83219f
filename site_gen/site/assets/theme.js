/* The globals Material's bundle expects from its inline head script, as a file so that the
   site's Content-Security-Policy can refuse every inline script.  Settings (colour scheme...)
   are kept in localStorage under the site's root path, which is two folders above this file
   (assets/case-library/theme.js). */
(function () {
  "use strict";
  var scope = new URL("../..", document.currentScript ? document.currentScript.src : location.href);
  window.__md_scope = scope;
  window.__md_hash = function (text) {
    var hash = 0;
    for (var i = 0; i < text.length; i++) hash = ((hash << 5) - hash + text.charCodeAt(i)) | 0;
    return hash;
  };
  window.__md_get = function (key, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    return JSON.parse(storage.getItem(base.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    try { storage.setItem(base.pathname + "." + key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  };
})();
