/* The case viewer: one viewer per case page, every series of every study in one strip.
   Plain JavaScript served by the site, no dependencies, no eval, no inline script (the site's
   Content-Security-Policy allows only its own script files).

   Scroll: wheel, left-drag, one finger, arrow keys, Page Up/Down, Home/End, slider.
   Cine: Play/Pause (Space) at the frame rate of the DICOM header (data-frame-ms).
   Window/level: right-drag, or Ctrl/Alt + drag (horizontal: width, vertical: level); R resets.
     Greyscale DICOM is windowed from its 16-bit values (v0001.png, fetched on the first drag
     and decoded here: PNG rows, zlib through the browser's DecompressionStream); other
     images from their 8-bit pixels.
   Zoom and pan: Ctrl + wheel or pinch, + and -, drag when zoomed (or Shift/middle drag);
     double-click or 0 fits the image.
   Without JavaScript every series shows its key image and caption. */
(function () {
  "use strict";

  var DEFAULT_FRAME_MS = 100;   // cine of a stack whose header gives no rate: 10 per second
  var MAX_ZOOM = 16;
  var SHORTCUTS = [
    ["↑ ↓ ← →, wheel, drag", "previous / next image"],
    ["Page Up / Page Down", "jump 10% of the images"],
    ["Home / End", "first / last image"],
    ["Space", "play / pause (cine)"],
    ["Right-drag, or Ctrl/Alt + drag", "window (left–right: width; up–down: level)"],
    ["1 – 9", "window presets"],
    ["R", "reset window and zoom"],
    ["Ctrl + wheel, pinch, + / −", "zoom"],
    ["Drag when zoomed, Shift + drag", "pan"],
    ["Double-click, 0", "fit the image"],
    ["[ / ]", "previous / next series"],
    ["F", "full screen"],
    ["?", "this help"]
  ];

  function pad(n) { return String(n).padStart(4, "0"); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

  /* ---- 16-bit greyscale PNG (the values renditions written by site_gen.media.convert) ---- */
  function paeth(a, b, c) {
    var p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
  }

  function decodePng16(buffer) {
    var bytes = new Uint8Array(buffer), view = new DataView(buffer), pos = 8, parts = [], width = 0, height = 0;
    if (bytes[0] !== 0x89 || bytes[1] !== 0x50) return Promise.reject(new Error("not a PNG"));
    while (pos < bytes.length) {
      var length = view.getUint32(pos), type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
      var data = bytes.subarray(pos + 8, pos + 8 + length);
      if (type === "IHDR") {
        width = view.getUint32(pos + 8); height = view.getUint32(pos + 12);
        if (data[8] !== 16 || data[9] !== 0 || data[12] !== 0) return Promise.reject(new Error("not 16-bit greyscale"));
      } else if (type === "IDAT") {
        parts.push(data);
      } else if (type === "IEND") {
        break;
      }
      pos += 12 + length;
    }
    var stream = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (raw) {
      var input = new Uint8Array(raw), stride = width * 2, out = new Uint8Array(stride * height);
      for (var y = 0; y < height; y++) {
        var filter = input[y * (stride + 1)], src = y * (stride + 1) + 1, row = y * stride, prev = row - stride;
        for (var x = 0; x < stride; x++) {
          var a = x >= 2 ? out[row + x - 2] : 0, b = y ? out[prev + x] : 0, c = (x >= 2 && y) ? out[prev + x - 2] : 0;
          var value = input[src + x];
          if (filter === 1) value += a; else if (filter === 2) value += b;
          else if (filter === 3) value += (a + b) >> 1; else if (filter === 4) value += paeth(a, b, c);
          out[row + x] = value & 255;
        }
      }
      var values = new Uint16Array(width * height), max = 0;
      for (var i = 0; i < values.length; i++) {
        values[i] = (out[2 * i] << 8) | out[2 * i + 1];
        if (values[i] > max) max = values[i];
      }
      return { width: width, height: height, values: values, max: max };
    });
  }

  /* ---- one series ---- */
  function Stack(viewer, figure) {
    this.viewer = viewer;
    this.figure = figure;
    this.count = parseInt(figure.dataset.count, 10) || 1;
    this.ext = figure.dataset.ext;
    this.index = parseInt(figure.dataset.start, 10) || 1;
    this.keys = (figure.dataset.keys || "").split(",").filter(Boolean).map(Number);
    this.windows = JSON.parse(figure.dataset.windows || "[]");
    this.windowIndex = 0;
    this.base = figure.dataset.base;
    this.valuesInfo = figure.dataset.values ? JSON.parse(figure.dataset.values) : null;
    this.frameMs = parseFloat(figure.dataset.frameMs) || 0;
    this.img = figure.querySelector("img");
    this.viewport = figure.querySelector(".sg-stack__viewport");
    this.zoom = { scale: 1, x: 0, y: 0 };
    this.custom = null;         // {c, w} while the reader has changed the window
    this.valuesCache = {};      // frame number -> promise of decoded values
    this.preloaded = {};
    this.built = false;
  }

  Stack.prototype.url = function (i) { return this.base + pad(i) + "." + this.ext; };
  Stack.prototype.valuesUrl = function (i) { return this.windows[0].base + "v" + pad(i) + ".png"; };

  Stack.prototype.build = function () {
    if (this.built) return;
    this.built = true;
    var self = this;
    this.layer = el("div", { "class": "sg-stack__layer" });
    this.viewport.insertBefore(this.layer, this.img);
    this.layer.appendChild(this.img);
    this.canvas = el("canvas", { "class": "sg-stack__canvas", hidden: "" });
    this.layer.appendChild(this.canvas);
    this.readout = el("output", { "class": "sg-stack__readout", "aria-live": "polite" });
    this.viewport.appendChild(this.readout);
    this.viewport.setAttribute("role", "group");
    this.viewport.setAttribute("aria-roledescription", "image viewer");

    var bar = el("div", { "class": "sg-stack__controls" });
    if (this.count > 1) {
      this.playButton = el("button", { type: "button", "class": "sg-button sg-stack__play", "aria-pressed": "false",
                                       title: "Play or pause (Space)" }, "▶ Play");
      this.playButton.addEventListener("click", function () { self.togglePlay(); });
      bar.appendChild(this.playButton);
      this.slider = el("input", { type: "range", min: "1", max: String(this.count), value: String(this.index),
                                  "class": "sg-stack__slider", "aria-label": "Image number" });
      this.counter = el("output", { "class": "sg-stack__counter", "aria-live": "polite" });
      this.slider.addEventListener("input", function () { self.show(parseInt(self.slider.value, 10)); });
      bar.appendChild(this.slider);
      bar.appendChild(this.counter);
      this.viewport.setAttribute("aria-label", this.viewport.getAttribute("aria-label") +
        " — " + this.count + " images; arrow keys scroll, Space plays, question mark lists the shortcuts");
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
                               "data-window": w.name, title: "Window preset (key " + (i + 1) + ")" }, w.label);
        b.addEventListener("click", function () { self.setWindow(i); });
        winGroup.appendChild(b);
        return b;
      });
      bar.appendChild(winGroup);
    }
    var reset = el("button", { type: "button", "class": "sg-button sg-stack__reset", title: "Reset window and zoom (R)" }, "Reset");
    reset.addEventListener("click", function () { self.reset(); });
    bar.appendChild(reset);
    this.viewport.parentNode.insertBefore(bar, this.viewport.nextSibling);
    this.bindPointer();
    this.bindKeys();
    this.show(this.index);
  };

  Stack.prototype.show = function (i) {
    this.index = clamp(i, 1, this.count);
    this.img.src = this.url(this.index);
    if (this.slider) this.slider.value = String(this.index);
    if (this.counter) this.counter.textContent = this.index + " / " + this.count;
    this.figure.dataset.current = String(this.index);
    if (this.custom) this.renderCustom();
  };

  Stack.prototype.setWindow = function (i) {
    this.windowIndex = i;
    this.base = this.windows[i].base;
    this.custom = null;
    this.canvas.hidden = true;
    this.updateReadout();
    this.windowButtons.forEach(function (b, j) { b.setAttribute("aria-pressed", j === i ? "true" : "false"); });
    this.figure.dataset.window = this.windows[i].name;
    this.show(this.index);
    this.preload();
  };

  // The image in the page first; the rest nearest first, a few at a time.
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
        var url = self.url(order[next]);
        if (self.preloaded[url]) continue;
        var im = new Image(); im.decoding = "async"; im.src = url; self.preloaded[url] = im;
      }
      if (next < order.length) setTimeout(pump, 25);
    })();
  };

  /* ---- cine ---- */
  Stack.prototype.togglePlay = function () { if (this.playing) this.pause(); else this.play(); };

  Stack.prototype.play = function () {
    if (this.count < 2 || this.playing) return;
    var self = this, frameMs = this.frameMs || DEFAULT_FRAME_MS, last = null, carried = 0;
    this.playing = true;
    this.preload();
    this.playButton.setAttribute("aria-pressed", "true");
    this.playButton.textContent = "❚❚ Pause";
    this.figure.dataset.playing = "true";
    function tick(now) {
      if (!self.playing) return;
      if (last !== null) {
        carried += now - last;
        var steps = Math.floor(carried / frameMs);
        if (steps) { carried -= steps * frameMs; self.show(((self.index - 1 + steps) % self.count) + 1); }
      }
      last = now;
      self.raf = requestAnimationFrame(tick);
    }
    this.raf = requestAnimationFrame(tick);
  };

  Stack.prototype.pause = function () {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.playButton.setAttribute("aria-pressed", "false");
    this.playButton.textContent = "▶ Play";
    this.figure.dataset.playing = "false";
  };

  /* ---- window / level ---- */
  Stack.prototype.startingWindow = function () {
    var w = this.windows[this.windowIndex];
    if (this.valuesInfo && w && w.w) return { c: w.c, w: w.w };
    if (this.valuesInfo) return null;  // resolved from the values' range once they are loaded
    return { c: 127.5, w: 256 };       // 8-bit pixels: brightness and contrast
  };

  Stack.prototype.source = function (i) {
    var self = this;
    if (this.valuesInfo) {
      if (!this.valuesCache[i]) {
        var keys = Object.keys(this.valuesCache);
        if (keys.length > 48) delete this.valuesCache[keys[0]];
        this.valuesCache[i] = fetch(this.valuesUrl(i)).then(function (r) {
          if (!r.ok) throw new Error("values not found");
          return r.arrayBuffer();
        }).then(decodePng16).then(function (decoded) {
          var scale = Array.isArray(self.valuesInfo.scale[0]) ? self.valuesInfo.scale[i - 1] : self.valuesInfo.scale;
          decoded.offset = scale[0]; decoded.step = scale[1];
          return decoded;
        });
      }
      return this.valuesCache[i];
    }
    var img = this.img;  // 8-bit: the displayed frame's own pixels
    return (img.complete && img.naturalWidth ? Promise.resolve() : new Promise(function (ok) {
      img.addEventListener("load", ok, { once: true });
    })).then(function () {
      var c = document.createElement("canvas");
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      var g = c.getContext("2d", { willReadFrequently: true });
      g.drawImage(img, 0, 0);
      return { width: c.width, height: c.height, rgba: g.getImageData(0, 0, c.width, c.height) };
    });
  };

  Stack.prototype.renderCustom = function () {
    var self = this, frame = this.index, win = this.custom;
    this.source(frame).then(function (src) {
      if (self.index !== frame || !self.custom) return;
      if (!win.c && win.c !== 0) {  // no window known yet: start from the slice's full range
        var lo = src.offset, hi = src.offset + src.step * src.max;
        win = self.custom = { c: (lo + hi) / 2, w: Math.max(1, hi - lo) };
      }
      win = self.custom;
      var canvas = self.canvas;
      if (canvas.width !== src.width || canvas.height !== src.height) { canvas.width = src.width; canvas.height = src.height; }
      var g = canvas.getContext("2d"), out = g.createImageData(src.width, src.height), px = out.data;
      var low = win.c - 0.5 - (win.w - 1) / 2, span = Math.max(win.w - 1, 1e-6), i, n;
      if (src.values) {
        var lut = new Uint8Array(src.max + 1), invert = self.valuesInfo.invert;
        for (i = 0; i <= src.max; i++) {
          var grey = clamp(Math.round(((src.offset + src.step * i) - low) / span * 255), 0, 255);
          lut[i] = invert ? 255 - grey : grey;
        }
        for (i = 0, n = src.values.length; i < n; i++) {
          var v = lut[src.values[i]];
          px[4 * i] = v; px[4 * i + 1] = v; px[4 * i + 2] = v; px[4 * i + 3] = 255;
        }
      } else {
        var lut8 = new Uint8Array(256), data = src.rgba.data;
        for (i = 0; i < 256; i++) lut8[i] = clamp(Math.round((i - low) / span * 255), 0, 255);
        for (i = 0, n = data.length; i < n; i += 4) {
          px[i] = lut8[data[i]]; px[i + 1] = lut8[data[i + 1]]; px[i + 2] = lut8[data[i + 2]]; px[i + 3] = 255;
        }
      }
      g.putImageData(out, 0, 0);
      canvas.hidden = false;
      self.figure.dataset.windowed = "true";
      self.updateReadout();
    }, function () {
      self.readout.textContent = "The window cannot be changed on this image.";
    });
  };

  Stack.prototype.adjustWindow = function (dx, dy, start) {
    var step = Math.max(start.w / 300, this.valuesInfo ? 0.5 : 0.25);
    this.custom = { c: start.c - dy * step, w: Math.max(1, start.w + dx * step) };
    this.renderCustom();
  };

  Stack.prototype.updateReadout = function () {
    var parts = [];
    if (this.custom && (this.custom.c || this.custom.c === 0)) {
      parts.push("W " + Math.round(this.custom.w) + " L " + Math.round(this.custom.c));
    }
    if (this.zoom.scale !== 1) parts.push(Math.round(this.zoom.scale * 100) + "%");
    this.readout.textContent = parts.join(" · ");
    this.figure.dataset.zoom = String(this.zoom.scale);
  };

  /* ---- zoom and pan ---- */
  Stack.prototype.applyZoom = function () {
    var z = this.zoom;
    this.layer.style.transform = z.scale === 1 && !z.x && !z.y ? "" :
      "translate(" + z.x + "px," + z.y + "px) scale(" + z.scale + ")";
    this.viewport.classList.toggle("sg-stack__viewport--zoomed", z.scale > 1);
    this.updateReadout();
  };

  // Zoom by `factor` keeping the point (px, py), relative to the viewport's centre, in place.
  Stack.prototype.zoomBy = function (factor, px, py) {
    var z = this.zoom, scale = clamp(z.scale * factor, 1, MAX_ZOOM), ratio = scale / z.scale;
    px = px || 0; py = py || 0;
    z.x = px - (px - z.x) * ratio; z.y = py - (py - z.y) * ratio; z.scale = scale;
    if (scale === 1) { z.x = 0; z.y = 0; }
    this.applyZoom();
  };

  Stack.prototype.fit = function () { this.zoom = { scale: 1, x: 0, y: 0 }; this.applyZoom(); };

  Stack.prototype.reset = function () {
    this.custom = null;
    this.canvas.hidden = true;
    delete this.figure.dataset.windowed;
    this.fit();
  };

  Stack.prototype.centreOffset = function (e) {
    var r = this.viewport.getBoundingClientRect();
    return [e.clientX - r.left - r.width / 2, e.clientY - r.top - r.height / 2];
  };

  Stack.prototype.bindPointer = function () {
    var self = this, v = this.viewport, pointers = {}, drag = null, pinch = null, acc = 0;
    v.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    v.addEventListener("wheel", function (e) {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) {  // also what a trackpad pinch sends
        var at = self.centreOffset(e);
        self.zoomBy(Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.002)), at[0], at[1]);
        return;
      }
      if (self.count < 2) return;
      acc += e.deltaY;
      if (Math.abs(acc) >= 40 || e.deltaMode !== 0) { self.show(self.index + (acc > 0 ? 1 : -1)); acc = 0; }
    }, { passive: false });
    v.addEventListener("dblclick", function (e) { e.preventDefault(); self.fit(); });
    v.addEventListener("pointerdown", function (e) {
      pointers[e.pointerId] = [e.clientX, e.clientY];
      if (v.setPointerCapture) v.setPointerCapture(e.pointerId);
      var ids = Object.keys(pointers);
      if (ids.length === 2) {  // pinch: zoom and pan together
        var a = pointers[ids[0]], b = pointers[ids[1]];
        pinch = { dist: Math.hypot(a[0] - b[0], a[1] - b[1]) || 1, mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
        drag = null;
        return;
      }
      var mode = "scroll";
      if (e.button === 2 || (e.button === 0 && (e.ctrlKey || e.altKey || e.metaKey))) mode = "window";
      else if (e.button === 1 || e.shiftKey || self.zoom.scale > 1) mode = "pan";
      if (mode === "window") {
        self.pause();
        var start = self.custom && (self.custom.c || self.custom.c === 0) ? self.custom : self.startingWindow();
        if (!start) {  // values not loaded yet: load, then start from their range
          self.custom = { c: null, w: null };
          self.renderCustom();
        }
        drag = { mode: mode, x: e.clientX, y: e.clientY, start: start };
      } else {
        drag = { mode: mode, x: e.clientX, y: e.clientY, zx: self.zoom.x, zy: self.zoom.y, last: e.clientY };
      }
      e.preventDefault();
    });
    v.addEventListener("pointermove", function (e) {
      if (!(e.pointerId in pointers)) return;
      pointers[e.pointerId] = [e.clientX, e.clientY];
      var ids = Object.keys(pointers);
      if (pinch && ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]];
        var dist = Math.hypot(a[0] - b[0], a[1] - b[1]) || 1, mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
        var r = v.getBoundingClientRect();
        self.zoom.x += mid[0] - pinch.mid[0]; self.zoom.y += mid[1] - pinch.mid[1];
        self.zoomBy(dist / pinch.dist, mid[0] - r.left - r.width / 2, mid[1] - r.top - r.height / 2);
        pinch = { dist: dist, mid: mid };
        return;
      }
      if (!drag) return;
      if (drag.mode === "window") {
        if (!drag.start) {
          drag.start = self.custom && (self.custom.c || self.custom.c === 0) ? self.custom : null;
          if (!drag.start) return;
          drag.x = e.clientX; drag.y = e.clientY;
        }
        self.adjustWindow(e.clientX - drag.x, e.clientY - drag.y, drag.start);
      } else if (drag.mode === "pan") {
        self.zoom.x = drag.zx + e.clientX - drag.x; self.zoom.y = drag.zy + e.clientY - drag.y;
        self.applyZoom();
      } else if (self.count > 1) {
        var step = Math.trunc((e.clientY - drag.last) / 8);
        if (step) { self.show(self.index + step); drag.last = e.clientY; }
      }
    });
    function end(e) {
      delete pointers[e.pointerId];
      if (Object.keys(pointers).length < 2) pinch = null;
      if (!Object.keys(pointers).length) drag = null;
    }
    v.addEventListener("pointerup", end);
    v.addEventListener("pointercancel", end);
  };

  Stack.prototype.bindKeys = function () {
    var self = this;
    this.viewport.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var page = Math.max(1, Math.round(self.count / 10));
      var moves = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: page, PageUp: -page };
      if (e.key in moves) { self.pause(); self.show(self.index + moves[e.key]); }
      else if (e.key === "Home") self.show(1);
      else if (e.key === "End") self.show(self.count);
      else if (e.key === " ") self.togglePlay();
      else if (e.key === "+" || e.key === "=") self.zoomBy(1.25);
      else if (e.key === "-" || e.key === "_") self.zoomBy(0.8);
      else if (e.key === "0") self.fit();
      else if (e.key === "r" || e.key === "R") self.reset();
      else if (/^[1-9]$/.test(e.key) && self.windowButtons && self.windows[+e.key - 1]) self.setWindow(+e.key - 1);
      else if (e.key === "[" || e.key === "]") self.viewer.step(e.key === "]" ? 1 : -1);
      else if (e.key === "f" || e.key === "F") self.viewer.toggleFullscreen();
      else if (e.key === "?" || e.key === "h" || e.key === "H") self.viewer.help();
      else return;
      e.preventDefault();
    });
  };

  /* ---- the whole case ---- */
  function Viewer(root) {
    var self = this;
    this.root = root;
    this.figures = Array.prototype.slice.call(root.querySelectorAll(".sg-stack"));
    this.stacks = this.figures.map(function (f) { return new Stack(self, f); });
    this.links = Array.prototype.slice.call(root.querySelectorAll(".sg-series__item"));
    this.findings = Array.prototype.slice.call(root.querySelectorAll(".sg-findings"));
    this.current = -1;
    root.classList.add("sg-viewer--ready");

    var tools = el("div", { "class": "sg-viewer__tools" });
    var full = el("button", { type: "button", "class": "sg-button sg-viewer__fullscreen", title: "Full screen (F)" }, "Full screen");
    full.addEventListener("click", function () { self.toggleFullscreen(); });
    var helpButton = el("button", { type: "button", "class": "sg-button sg-viewer__help-button", "aria-haspopup": "dialog",
                                    title: "Keyboard shortcuts (?)" }, "? Shortcuts");
    helpButton.addEventListener("click", function () { self.help(); });
    tools.appendChild(full);
    tools.appendChild(helpButton);
    root.querySelector(".sg-viewer__main").appendChild(tools);

    this.links.forEach(function (link, i) {
      link.addEventListener("click", function (e) {
        e.preventDefault();
        self.select(i);
        if (history.replaceState) history.replaceState(history.state, "", "#" + self.figures[i].id);
      });
    });
    var wanted = this.figures.findIndex(function (f) { return "#" + f.id === location.hash; });
    this.select(wanted >= 0 ? wanted : 0);
  }

  Viewer.prototype.select = function (i) {
    if (i === this.current) return;
    if (this.current >= 0) this.stacks[this.current].pause();
    this.current = i;
    var stack = this.stacks[i], study = this.figures[i].dataset.study;
    this.figures.forEach(function (f, j) { f.hidden = j !== i; });
    this.links.forEach(function (b, j) { b.setAttribute("aria-current", j === i ? "true" : "false"); });
    this.findings.forEach(function (s) { s.hidden = s.dataset.study !== study; });
    stack.build();
    if (stack.count > 1) stack.preload();
  };

  Viewer.prototype.step = function (delta) {
    var next = (this.current + delta + this.stacks.length) % this.stacks.length;
    this.select(next);
    this.stacks[next].viewport.focus();
  };

  Viewer.prototype.toggleFullscreen = function () {
    if (document.fullscreenElement) { document.exitFullscreen(); return; }
    if (this.root.requestFullscreen) this.root.requestFullscreen().then(function () {}, function () {});
    this.stacks[this.current].viewport.focus();
  };

  Viewer.prototype.help = function () {
    var self = this;
    if (!this.dialog) {
      var dialog = el("dialog", { "class": "sg-help", "aria-labelledby": "sg-help-title" });
      dialog.appendChild(el("h2", { id: "sg-help-title" }, "Viewer shortcuts"));
      var table = el("table");
      SHORTCUTS.forEach(function (row) {
        var tr = el("tr");
        tr.appendChild(el("th", { scope: "row" }, row[0]));
        tr.appendChild(el("td", {}, row[1]));
        table.appendChild(tr);
      });
      dialog.appendChild(table);
      var close = el("button", { type: "button", "class": "sg-button" }, "Close");
      close.addEventListener("click", function () { dialog.close(); });
      dialog.appendChild(close);
      dialog.addEventListener("close", function () { self.stacks[self.current].viewport.focus(); });
      this.root.appendChild(dialog);
      this.dialog = dialog;
    }
    if (!this.dialog.open) this.dialog.showModal();
  };

  // Material's "back to top" button must not cover the image: hidden while the viewer shows.
  function watchVisibility(root) {
    var html = document.documentElement;
    if (!("IntersectionObserver" in window)) { html.classList.add("sg-viewer-visible"); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { html.classList.toggle("sg-viewer-visible", entry.isIntersecting); });
    });
    observer.observe(root);
  }

  window.caseLibrary.onEveryPage(function () {
    document.documentElement.classList.remove("sg-viewer-visible");
    document.querySelectorAll(".sg-viewer").forEach(function (root) {
      if (root.dataset.ready) return;
      root.dataset.ready = "1";
      new Viewer(root);
      watchVisibility(root);
    });
  });
})();
