/* Scrollable image stacks on case pages: wheel, drag, keys, slider.  No dependencies.
   Re-initialises on Material's instant navigation through its document$ observable. */
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(4, "0"); }

  function setup(stack) {
    if (stack.dataset.ready) return;
    stack.dataset.ready = "1";
    var count = parseInt(stack.dataset.count, 10) || 1;
    var base = stack.dataset.base, ext = stack.dataset.ext;
    var img = stack.querySelector("img");
    var viewport = stack.querySelector(".sg-stack__viewport");
    var slider = stack.querySelector(".sg-stack__slider");
    var counter = stack.querySelector(".sg-stack__counter");
    var index = parseInt(stack.dataset.start, 10) || 1;
    if (count < 2) return;

    var cache = [];
    function url(i) { return base + pad(i) + "." + ext; }
    // Load the rest progressively, nearest slices first, without blocking the first one.
    function preload() {
      var order = [];
      for (var d = 1; d < count; d++) {
        if (index + d <= count) order.push(index + d);
        if (index - d >= 1) order.push(index - d);
      }
      var next = 0;
      function pump() {
        for (var k = 0; k < 4 && next < order.length; k++, next++) {
          var im = new Image(); im.decoding = "async"; im.src = url(order[next]); cache.push(im);
        }
        if (next < order.length) setTimeout(pump, 30);
      }
      pump();
    }
    function show(i) {
      index = Math.max(1, Math.min(count, i));
      img.src = url(index);
      if (slider) slider.value = index;
      if (counter) counter.textContent = index + " / " + count;
    }
    viewport.addEventListener("wheel", function (e) {
      e.preventDefault();
      show(index + (e.deltaY > 0 ? 1 : -1));
    }, { passive: false });
    var dragY = null;
    viewport.addEventListener("pointerdown", function (e) { dragY = e.clientY; viewport.setPointerCapture(e.pointerId); });
    viewport.addEventListener("pointermove", function (e) {
      if (dragY === null) return;
      var step = Math.trunc((e.clientY - dragY) / 6);
      if (step) { show(index + step); dragY = e.clientY; }
    });
    viewport.addEventListener("pointerup", function () { dragY = null; });
    viewport.addEventListener("keydown", function (e) {
      var moves = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: 10, PageUp: -10 };
      if (e.key in moves) { show(index + moves[e.key]); e.preventDefault(); }
      else if (e.key === "Home") { show(1); e.preventDefault(); }
      else if (e.key === "End") { show(count); e.preventDefault(); }
    });
    if (slider) slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
    preload();
  }

  function init() { document.querySelectorAll(".sg-stack").forEach(setup); }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
