/* Image stack viewer for case pages.  Plain JavaScript, no dependencies, served by the site.
   Scroll slices with the wheel, drag, touch, arrow keys, Page Up/Down, Home/End or the slider;
   switch series and build-time window presets; jump to key images; full screen.
   Without JavaScript every series still shows its key image and caption.
   Material's instant navigation swaps pages without a reload: we re-initialise through its
   document$ observable. */
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(4, "0"); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function Stack(figure) {
    this.figure = figure;
    this.count = parseInt(figure.dataset.count, 10) || 1;
    this.ext = figure.dataset.ext;
    this.index = parseInt(figure.dataset.start, 10) || 1;
    this.keys = (figure.dataset.keys || "").split(",").filter(Boolean).map(Number);
    this.windows = JSON.parse(figure.dataset.windows || "[]");
    this.base = figure.dataset.base;
    this.img = figure.querySelector("img");
    this.viewport = figure.querySelector(".sg-stack__viewport");
    this.preloaded = [];
    this.build();
  }

  Stack.prototype.url = function (i) { return this.base + pad(i) + "." + this.ext; };

  Stack.prototype.build = function () {
    var self = this, bar = el("div", { "class": "sg-stack__controls" });
    this.viewport.setAttribute("role", "group");
    this.viewport.setAttribute("aria-roledescription", "image stack");
    if (this.count > 1) {
      this.slider = el("input", { type: "range", min: "1", max: String(this.count), value: String(this.index),
                                  "class": "sg-stack__slider", "aria-label": "Image number" });
      this.counter = el("output", { "class": "sg-stack__counter", "aria-live": "polite" });
      this.slider.addEventListener("input", function () { self.show(parseInt(self.slider.value, 10)); });
      bar.appendChild(this.slider);
      bar.appendChild(this.counter);
      this.viewport.setAttribute("aria-label", this.viewport.getAttribute("aria-label") +
        " — " + this.count + " images; use the arrow keys, Page Up/Down, Home and End to scroll");
    }
    if (this.keys.length && this.count > 1) {
      var keyGroup = el("span", { "class": "sg-stack__keys", role: "group", "aria-label": "Key images" });
      this.keys.forEach(function (k) {
        var b = el("button", { type: "button", "class": "sg-button", "data-key": String(k) }, "Key image " + k);
        b.addEventListener("click", function () { self.show(k); self.viewport.focus(); });
        keyGroup.appendChild(b);
      });
      bar.appendChild(keyGroup);
    }
    if (this.windows.length > 1) {
      var winGroup = el("span", { "class": "sg-stack__windows", role: "group", "aria-label": "Window" });
      this.windowButtons = this.windows.map(function (w, i) {
        var b = el("button", { type: "button", "class": "sg-button", "aria-pressed": i === 0 ? "true" : "false",
                               "data-window": w.name }, w.label);
        b.addEventListener("click", function () { self.setWindow(i); });
        winGroup.appendChild(b);
        return b;
      });
      bar.appendChild(winGroup);
    }
    var full = el("button", { type: "button", "class": "sg-button sg-stack__fullscreen" }, "Full screen");
    full.addEventListener("click", function () { self.toggleFullscreen(); });
    bar.appendChild(full);
    this.figure.insertBefore(bar, this.viewport.nextSibling);
    this.bindScrolling();
    this.show(this.index);
    if (this.count > 1) this.preload();
  };

  Stack.prototype.show = function (i) {
    this.index = Math.max(1, Math.min(this.count, i));
    this.img.src = this.url(this.index);
    if (this.slider) this.slider.value = String(this.index);
    if (this.counter) this.counter.textContent = this.index + " / " + this.count;
    this.figure.dataset.current = String(this.index);
  };

  Stack.prototype.setWindow = function (i) {
    this.base = this.windows[i].base;
    this.windowButtons.forEach(function (b, j) { b.setAttribute("aria-pressed", j === i ? "true" : "false"); });
    this.figure.dataset.window = this.windows[i].name;
    this.show(this.index);
    this.preload();
  };

  // The first image is in the page already; the rest load nearest first, a few at a time.
  Stack.prototype.preload = function () {
    var self = this, order = [], base = this.base;
    for (var d = 1; d < this.count; d++) {
      if (this.index + d <= this.count) order.push(this.index + d);
      if (this.index - d >= 1) order.push(this.index - d);
    }
    var next = 0;
    (function pump() {
      if (self.base !== base) return;  // window changed: that preload is obsolete
      for (var k = 0; k < 4 && next < order.length; k++, next++) {
        var im = new Image(); im.decoding = "async"; im.src = self.url(order[next]); self.preloaded.push(im);
      }
      if (next < order.length) setTimeout(pump, 25);
    })();
  };

  Stack.prototype.bindScrolling = function () {
    var self = this, v = this.viewport, dragY = null, acc = 0;
    if (this.count < 2) return;
    v.addEventListener("wheel", function (e) {
      e.preventDefault();
      acc += e.deltaY;
      if (Math.abs(acc) >= 40 || e.deltaMode !== 0) { self.show(self.index + (acc > 0 ? 1 : -1)); acc = 0; }
    }, { passive: false });
    v.addEventListener("pointerdown", function (e) {
      dragY = e.clientY;
      if (v.setPointerCapture) v.setPointerCapture(e.pointerId);
    });
    v.addEventListener("pointermove", function (e) {
      if (dragY === null) return;
      var step = Math.trunc((e.clientY - dragY) / 8);
      if (step) { self.show(self.index + step); dragY = e.clientY; }
    });
    ["pointerup", "pointercancel"].forEach(function (t) { v.addEventListener(t, function () { dragY = null; }); });
    v.addEventListener("keydown", function (e) {
      var page = Math.max(1, Math.round(self.count / 10));
      var moves = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: page, PageUp: -page };
      if (e.key in moves) self.show(self.index + moves[e.key]);
      else if (e.key === "Home") self.show(1);
      else if (e.key === "End") self.show(self.count);
      else return;
      e.preventDefault();
    });
  };

  Stack.prototype.toggleFullscreen = function () {
    if (document.fullscreenElement) { document.exitFullscreen(); return; }
    if (this.figure.requestFullscreen) this.figure.requestFullscreen().then(function () {}, function () {});
    this.viewport.focus();
  };

  function setupViewer(viewer) {
    if (viewer.dataset.ready) return;
    viewer.dataset.ready = "1";
    var figures = Array.prototype.slice.call(viewer.querySelectorAll(".sg-stack"));
    var stacks = figures.map(function (f) { return new Stack(f); });
    if (figures.length < 2) return;
    var strip = el("div", { "class": "sg-series", role: "group", "aria-label": "Series" });
    var buttons = figures.map(function (figure, i) {
      var b = el("button", { type: "button", "class": "sg-series__item", "aria-pressed": i === 0 ? "true" : "false",
                             "data-series": figure.id });
      var thumb = el("img", { src: stacks[i].url(stacks[i].index), alt: "", width: "64", height: "64", loading: "lazy" });
      b.appendChild(thumb);
      b.appendChild(el("span", {}, figure.dataset.title || "Series " + (i + 1)));
      b.addEventListener("click", function () { select(i); });
      strip.appendChild(b);
      return b;
    });
    function select(i) {
      figures.forEach(function (f, j) { f.hidden = j !== i; });
      buttons.forEach(function (b, j) { b.setAttribute("aria-pressed", j === i ? "true" : "false"); });
    }
    viewer.insertBefore(strip, viewer.firstChild);
    select(0);
  }

  window.caseLibrary.onEveryPage(function () { document.querySelectorAll(".sg-viewer").forEach(setupViewer); });
})();
