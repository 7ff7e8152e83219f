/* Contact forms: the message is sealed (age-encrypted) in this browser to the member's public
   key, and the editors' keys when the member chose it, then handed to the Git host's issue
   form or shown for copying.  Nothing is sent anywhere by this script: the sender follows
   the link or copies the text.  The sealing library (seal.js, built from
   site_gen/site/sealing) is fetched from this site when a form is first opened.
   Runs under a strict Content-Security-Policy: no inline code, no eval.

   Material's instant navigation runs this file again on every page that includes it, so
   the setup is idempotent: each form is prepared once. */
(function () {
  "use strict";

  // Browsers and Git hosts refuse very long addresses (GitHub: about 8 KB); a longer sealed
  // message is copied and pasted into the form instead.
  var MAX_URL_LENGTH = 8000;
  var sealing = null;

  function loadSealing(src) {
    if (window.caseLibrarySeal) return Promise.resolve(window.caseLibrarySeal);
    if (!sealing) {
      sealing = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = function () {
          if (window.caseLibrarySeal) resolve(window.caseLibrarySeal);
          else reject(new Error("the sealing script did not start"));
        };
        script.onerror = function () {
          sealing = null;
          reject(new Error("the sealing script could not be loaded from this site"));
        };
        document.head.appendChild(script);
      });
    }
    return sealing;
  }

  function part(form, name) {
    return form.querySelector(".sg-contact__" + name);
  }

  function say(form, text, isError) {
    var status = part(form, "status");
    status.textContent = text;
    status.classList.toggle("sg-contact__status--error", Boolean(isError));
  }

  // What goes inside the seal: who it is for, who sent it and how to reply, then the text.
  function letter(form, sender, reply, message) {
    var page = window.location.origin + window.location.pathname;
    return [
      "To: @" + form.dataset.username + " (" + form.dataset.name + ")",
      "From: " + sender,
      "Reply to: " + reply,
      "Page: " + page,
      "Sent: " + new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
      "Copied to the editors: " + form.dataset.copyEditors,
      "",
      message
    ].join("\n");
  }

  function fill(template, values) {
    return template.replace(/\{(title|body)\}/g, function (whole, name) {
      return encodeURIComponent(values[name]);
    });
  }

  function showResult(form, armored) {
    var result = part(form, "result");
    var post = part(form, "post");
    var next = part(form, "next");
    var title = "Message for @" + form.dataset.username;
    part(form, "sealed").value = armored;
    post.hidden = true;
    post.removeAttribute("href");
    if (form.dataset.via === "issue" && form.dataset.postUrl) {
      var withBody = fill(form.dataset.postUrl, { title: title, body: armored });
      var hasBody = form.dataset.postUrl.indexOf("{body}") >= 0;
      post.hidden = false;
      if (hasBody && withBody.length <= MAX_URL_LENGTH) {
        post.href = withBody;
        next.textContent = "Sealed. Post it: the button opens the Git host's issue form with the title \"" + title +
          "\" and the sealed text filled in (you need an account there). Only the sealed text is published.";
      } else {
        post.href = fill(form.dataset.postUrl, { title: title, body: "" });
        next.textContent = "Sealed. Copy it, then open the Git host's issue form, keep the title \"" + title +
          "\" and paste the sealed text as the description (it is too long to fill in for you).";
      }
    } else {
      next.textContent = "Sealed. Copy it and send it to " + form.dataset.name +
        " through any channel you share: only they can read it.";
    }
    result.hidden = false;
  }

  function copy(form) {
    var sealed = part(form, "sealed");
    var done = function () { say(form, "The sealed message is copied."); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(sealed.value).then(done, function () {
        sealed.select();
        say(form, "Select the sealed text and copy it (Ctrl+C or Cmd+C).");
      });
    } else {
      sealed.select();
      say(form, "The sealed text is selected: copy it (Ctrl+C or Cmd+C).");
    }
  }

  function submit(form, event) {
    event.preventDefault();
    var sender = part(form, "sender").value.trim();
    var reply = part(form, "reply").value.trim();
    var message = part(form, "message").value.trim();
    if (!sender || !reply || !message) {
      say(form, "Fill in your name, how to reply to you, and the message.", true);
      return;
    }
    var button = part(form, "seal");
    button.disabled = true;
    say(form, "Sealing…");
    var keys = form.dataset.keys.split(",").filter(Boolean);
    loadSealing(form.dataset.sealScript)
      .then(function (seal) { return seal.seal(keys, letter(form, sender, reply, message)); })
      .then(function (armored) {
        showResult(form, armored);
        say(form, "");
        form.dataset.sealed = "yes";
      })
      .catch(function (error) {
        say(form, "The message could not be sealed (" + (error && error.message ? error.message : error) +
          "). Nothing was sent.", true);
      })
      .then(function () { button.disabled = false; });
  }

  function prepare(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "yes";
    var nojs = part(form, "nojs");
    if (nojs) nojs.remove();
    part(form, "fields").disabled = false;
    form.addEventListener("submit", function (event) { submit(form, event); });
    part(form, "copy").addEventListener("click", function () { copy(form); });
    var box = form.closest("details");
    if (box) {
      box.addEventListener("toggle", function () {
        // Fetch the sealing library while the sender writes (same site only).
        if (box.open) loadSealing(form.dataset.sealScript).catch(function () {});
      });
    }
  }

  function setup() {
    document.querySelectorAll("form.sg-contact__form").forEach(prepare);
  }

  if (window.caseLibraryContact) {
    window.caseLibraryContact.setup();
    return;
  }
  window.caseLibraryContact = { setup: setup };
  if (window.caseLibrary && window.caseLibrary.onEveryPage) window.caseLibrary.onEveryPage(setup);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
