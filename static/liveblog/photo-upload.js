// Photos into the composer: picked, dropped or pasted, each is sent at once with a
// progress bar, then its block holds the stored photo, its preview, and the caption
// and credit read from it. A convenience over the plain file picker, which works
// with JavaScript off; the server checks every file whatever happens here.
// Its URLs and words come from the page: [data-photo-upload] and [data-library-picker].

const PICKERS = "form[data-composer] input[type=file]";

function config() {
  return document.querySelector("[data-photo-upload]");
}

function blockOf(input) {
  return input.closest(".block-editor") || input.parentNode;
}

function field(block, suffix) {
  return block.querySelector(`[name$='-${suffix}']`);
}

function say(input, text, isError) {
  const block = blockOf(input);
  let status = block.querySelector(".upload-status");
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
  return [...(files || [])].find((file) => file.type.startsWith("image/")) || null;
}

function showPreview(block, input, url) {
  let preview = block.querySelector(".photo-preview");
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
  const input = field(block, suffix);
  if (!input || input.value.trim() || !value) return false;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  return true;
}

function setSending(form, sending) {
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.disabled = sending;
  }
}

function send(input, file) {
  const settings = config();
  if (!settings) return;
  const limit = Number(settings.dataset.maxBytes || 0);
  if (limit && file.size > limit) {
    input.value = "";
    say(input, settings.dataset.tooLarge, true);
    return;
  }
  const form = input.form;
  const block = blockOf(input);
  const body = new FormData();
  body.append("image", file);
  const bar = document.createElement("progress");
  bar.className = "upload-progress";
  bar.setAttribute("aria-label", settings.dataset.sending);
  input.insertAdjacentElement("afterend", bar);
  say(input, settings.dataset.sending, false);
  setSending(form, true);

  // XMLHttpRequest, not fetch: only it reports the upload's progress.
  const request = new XMLHttpRequest();
  request.open("POST", settings.dataset.url);
  request.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
  request.upload.addEventListener("progress", (event) => {
    if (!event.lengthComputable) return;
    bar.max = event.total;
    bar.value = event.loaded;
  });
  request.addEventListener("loadend", () => {
    bar.remove();
    setSending(form, false);
    let reply = {};
    try {
      reply = JSON.parse(request.responseText || "{}");
    } catch {
      reply = {};
    }
    if (request.status === 200 && reply.photo) {
      field(block, "photo").value = reply.photo;
      input.value = ""; // sent already: the form carries the stored photo's number
      showPreview(block, input, reply.preview);
      let filled = fillIfEmpty(block, "caption", reply.caption);
      filled = fillIfEmpty(block, "credit", reply.credit) || filled;
      say(input, settings.dataset.sent + (filled ? ` ${settings.dataset.check}` : ""), false);
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
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

// Drops are handled on the document: a block swapped in by htmx takes them at once.
function dropZone(target) {
  const zone = target.closest?.("form[data-composer] .block-editor");
  return zone?.querySelector("input[type=file]") ? zone : null;
}

document.addEventListener("dragover", (event) => {
  const zone = dropZone(event.target);
  if (!zone || !event.dataTransfer || !event.dataTransfer.types.includes("Files")) return;
  event.preventDefault();
  zone.classList.add("is-dragover");
});

document.addEventListener("dragleave", (event) => {
  dropZone(event.target)?.classList.remove("is-dragover");
});

document.addEventListener("drop", (event) => {
  const zone = dropZone(event.target);
  if (!zone) return;
  zone.classList.remove("is-dragover");
  const file = imageIn(event.dataTransfer?.files);
  if (!file) return;
  event.preventDefault();
  put(zone.querySelector("input[type=file]"), file);
});

function enhance(root) {
  for (const picker of root.querySelectorAll("[data-library-picker][hidden]")) {
    picker.hidden = false; // it needs this script; without it the file picker is enough
  }
}

document.addEventListener("change", (event) => {
  const input = event.target;
  if (!input.matches?.(PICKERS) || !input.files.length) return;
  send(input, input.files[0]);
});

// A pasted image goes to the photo block being edited, else the first one still empty.
document.addEventListener("paste", (event) => {
  const file = imageIn(event.clipboardData?.files);
  if (!file) return;
  const focused = document.activeElement?.closest?.(".block-editor");
  const input =
    focused?.querySelector("input[type=file]") ||
    [...document.querySelectorAll(PICKERS)].find(
      (candidate) => !field(blockOf(candidate), "photo").value,
    );
  if (!input) return;
  event.preventDefault();
  put(input, file);
});

// The library inside a photo block: search as you type, pick one, and the block holds it.
let searchTimer = null;

async function search(picker) {
  const query = picker.querySelector("[data-library-search]").value.trim();
  const url = `${picker.dataset.url}?q=${encodeURIComponent(query)}`;
  const results = picker.querySelector(".library-results");
  // htmx asks for the library's results partial, as the library page's own search does.
  await window.htmx.ajax("GET", url, { target: results, swap: "innerHTML" });
  for (const button of results.querySelectorAll(".use-in-composer")) {
    button.hidden = false;
  }
}

function choose(button) {
  const picker = button.closest("[data-library-picker]");
  const block = blockOf(picker);
  const input = block.querySelector("input[type=file]");
  field(block, "photo").value = button.dataset.photo;
  input.value = "";
  showPreview(block, input, button.dataset.src);
  fillIfEmpty(block, "caption", button.dataset.caption);
  fillIfEmpty(block, "alt_text", button.dataset.altText);
  fillIfEmpty(block, "credit", button.dataset.credit);
  say(input, picker.dataset.chosen, false);
  picker.open = false;
}

document.addEventListener("input", (event) => {
  const picker = event.target.closest?.("[data-library-picker]");
  if (!picker || !event.target.matches("[data-library-search]")) return;
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => search(picker), 300);
});

document.addEventListener("keydown", (event) => {
  // Enter in the library search must not send the composer.
  if (event.key === "Enter" && event.target.matches?.("[data-library-search]")) {
    event.preventDefault();
    search(event.target.closest("[data-library-picker]"));
  }
});

document.addEventListener("click", (event) => {
  const button = event.target.closest?.("[data-library-picker] .use-in-composer");
  if (button) choose(button);
});

document.addEventListener(
  "toggle",
  (event) => {
    const picker = event.target;
    if (picker.matches?.("[data-library-picker]") && picker.open) search(picker);
  },
  true,
);

// A module runs once the page is parsed: what is there now, then what htmx brings.
enhance(document);
// A photo picked while the page was still loading, before this script ran, had its
// "change" unheard: send it now, as if it had just been picked.
for (const input of document.querySelectorAll(PICKERS)) {
  if (input.files.length && !field(blockOf(input), "photo")?.value) send(input, input.files[0]);
}
document.addEventListener("htmx:load", (event) => enhance(event.target));
