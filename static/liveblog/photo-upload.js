// Photos into the composer: picked, dropped or pasted, each is sent at once with a
// progress bar, then its block holds the stored photo, its preview, and the caption
// and credit read from it. A convenience over the plain file picker, which works
// with JavaScript off; the server checks every file whatever happens here.
(function () {
  "use strict";

  var PICKERS = "form[data-composer] input[type=file]";

  function config() {
    return document.querySelector("[data-photo-upload]");
  }

  function blockOf(input) {
    return input.closest(".block-editor") || input.parentNode;
  }

  function field(block, suffix) {
    return block.querySelector("[name$='-" + suffix + "']");
  }

  function say(input, text, isError) {
    var block = blockOf(input);
    var status = block.querySelector(".upload-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "upload-status";
      status.setAttribute("role", "status");
      input.insertAdjacentElement("afterend", status);
    }
    status.textContent = text;
    status.classList.toggle("upload-status--error", Boolean(isError));
    if (isError) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function imageIn(files) {
    for (var i = 0; i < (files ? files.length : 0); i++) {
      if (files[i].type.indexOf("image/") === 0) return files[i];
    }
    return null;
  }

  function showPreview(block, input, url) {
    var preview = block.querySelector(".photo-preview");
    if (!preview) {
      preview = document.createElement("img");
      preview.className = "photo-preview";
      preview.alt = config().dataset.preview || "";
      preview.width = 160;
      input.closest(".field").insertAdjacentElement("beforebegin", preview);
    }
    preview.src = url;
  }

  function fillIfEmpty(block, suffix, value) {
    var input = field(block, suffix);
    if (!input || input.value.trim() || !value) return false;
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  function setSending(form, sending) {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = sending;
    });
  }

  function send(input, file) {
    var settings = config();
    if (!settings) return;
    var limit = Number(settings.dataset.maxBytes || 0);
    if (limit && file.size > limit) {
      input.value = "";
      say(input, settings.dataset.tooLarge, true);
      return;
    }
    var form = input.form;
    var block = blockOf(input);
    var body = new FormData();
    body.append("image", file);
    var bar = document.createElement("progress");
    bar.className = "upload-progress";
    bar.setAttribute("aria-label", settings.dataset.sending);
    input.insertAdjacentElement("afterend", bar);
    say(input, settings.dataset.sending, false);
    setSending(form, true);

    var request = new XMLHttpRequest();
    request.open("POST", settings.dataset.url);
    request.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    request.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      bar.max = event.total;
      bar.value = event.loaded;
    });
    request.addEventListener("loadend", function () {
      bar.remove();
      setSending(form, false);
      var reply = {};
      try { reply = JSON.parse(request.responseText || "{}"); } catch (error) { reply = {}; }
      if (request.status === 200 && reply.photo) {
        field(block, "photo").value = reply.photo;
        input.value = ""; // sent already: the form carries the stored photo's number
        showPreview(block, input, reply.preview);
        var filled = fillIfEmpty(block, "caption", reply.caption);
        filled = fillIfEmpty(block, "credit", reply.credit) || filled;
        say(input, settings.dataset.sent + (filled ? " " + settings.dataset.check : ""), false);
      } else if (reply.error) {
        input.value = "";
        say(input, reply.error, true);
      } else {
        // Network trouble: the file stays in the picker and goes with the form instead.
        say(input, settings.dataset.failed, true);
      }
    });
    request.send(body);
  }

  function put(input, file) {
    var transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Drops are handled on the document: a block swapped in by htmx takes them at once.
  function dropZone(target) {
    var zone = target.closest && target.closest("form[data-composer] .block-editor");
    return zone && zone.querySelector("input[type=file]") ? zone : null;
  }

  document.addEventListener("dragover", function (event) {
    var zone = dropZone(event.target);
    if (!zone || !event.dataTransfer || event.dataTransfer.types.indexOf("Files") < 0) return;
    event.preventDefault();
    zone.classList.add("is-dragover");
  });

  document.addEventListener("dragleave", function (event) {
    var zone = dropZone(event.target);
    if (zone) zone.classList.remove("is-dragover");
  });

  document.addEventListener("drop", function (event) {
    var zone = dropZone(event.target);
    if (!zone) return;
    zone.classList.remove("is-dragover");
    var file = imageIn(event.dataTransfer && event.dataTransfer.files);
    if (!file) return;
    event.preventDefault();
    put(zone.querySelector("input[type=file]"), file);
  });

  function enhance(root) {
    root.querySelectorAll("[data-library-picker][hidden]").forEach(function (picker) {
      picker.hidden = false; // it needs this script; without it the file picker is enough
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(PICKERS) || !input.files.length) return;
    send(input, input.files[0]);
  });

  // A pasted image goes to the photo block being edited, else the first one still empty.
  document.addEventListener("paste", function (event) {
    var file = imageIn(event.clipboardData && event.clipboardData.files);
    if (!file) return;
    var active = document.activeElement;
    var focused = active && active.closest && active.closest(".block-editor");
    var input = focused && focused.querySelector("input[type=file]");
    if (!input) {
      input = Array.prototype.find.call(document.querySelectorAll(PICKERS), function (candidate) {
        return !field(blockOf(candidate), "photo").value;
      });
    }
    if (!input) return;
    event.preventDefault();
    put(input, file);
  });

  // The library inside a photo block: search as you type, pick one, and the block holds it.
  var searchTimer = null;

  function search(picker) {
    var query = picker.querySelector("[data-library-search]").value.trim();
    var url = picker.dataset.url + "?q=" + encodeURIComponent(query);
    var results = picker.querySelector(".library-results");
    // htmx asks for the library's results partial, as the library page's own search does.
    window.htmx.ajax("GET", url, { target: results, swap: "innerHTML" }).then(function () {
      results.querySelectorAll(".use-in-composer").forEach(function (button) {
        button.hidden = false;
      });
    });
  }

  function choose(button) {
    var picker = button.closest("[data-library-picker]");
    var block = blockOf(picker);
    var input = block.querySelector("input[type=file]");
    field(block, "photo").value = button.dataset.photo;
    input.value = "";
    showPreview(block, input, button.dataset.src);
    fillIfEmpty(block, "caption", button.dataset.caption);
    fillIfEmpty(block, "alt_text", button.dataset.altText);
    fillIfEmpty(block, "credit", button.dataset.credit);
    say(input, picker.dataset.chosen, false);
    picker.open = false;
  }

  document.addEventListener("input", function (event) {
    var picker = event.target.closest && event.target.closest("[data-library-picker]");
    if (!picker || !event.target.matches("[data-library-search]")) return;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { search(picker); }, 300);
  });

  document.addEventListener("keydown", function (event) {
    // Enter in the library search must not send the composer.
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-library-search]")) {
      event.preventDefault();
      search(event.target.closest("[data-library-picker]"));
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-library-picker] .use-in-composer");
    if (button) choose(button);
  });

  document.addEventListener("toggle", function (event) {
    var picker = event.target;
    if (picker.matches && picker.matches("[data-library-picker]") && picker.open) search(picker);
  }, true);

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
