// The desk's small behaviours on top of htmx. Everything here is a convenience:
// the desk works with JavaScript off (plain form posts, full pages). Drafts are
// drafts.js, formatted text is rich-text.js.

// Ctrl+Enter (Cmd+Enter on a Mac) publishes from any field, the formatted text
// included: a click on the publish button, so htmx sends its name and value.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const form = event.target.closest?.("form[data-composer]");
  const publish = form?.querySelector("[data-publish]");
  if (!publish) return;
  event.preventDefault();
  publish.click();
});

// After a post goes out, the fresh composer is ready for the next one.
document.addEventListener("htmx:afterSettle", (event) => {
  const status = event.detail.xhr?.status;
  if (event.detail.elt?.id !== "composer" || status !== 200) return;
  const title = document.querySelector("#composer form[data-composer] [name=title]");
  if (title && !title.value) title.focus();
});

// Opening the desk on a computer puts the cursor in the empty title: a text post is
// then typing and Ctrl+Enter (bench/desk_effort.py counts the clicks). Not on a phone,
// where a focused field opens the keyboard over the page.
document.addEventListener("DOMContentLoaded", () => {
  const title = document.querySelector("#composer form[data-composer] [name=title]");
  const idle = !document.activeElement || document.activeElement === document.body;
  if (title && !title.value && idle && !location.hash && window.matchMedia("(min-width: 1100px)").matches) {
    title.focus({ preventScroll: true });
  }
});

// live.js announces every event of the session; the desk answers by fetching its
// timeline again (once per burst), so colleagues' posts appear without a reload.
let refreshTimer = null;
document.addEventListener("live:event", () => {
  const desk = document.querySelector("main[data-desk][data-timeline-url]");
  if (!desk || !window.htmx) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    // The timeline's own address keeps its filters and search (desk-shift.js keeps the rest).
    const timeline = document.getElementById("timeline");
    const url = (timeline && timeline.dataset.url) || desk.dataset.timelineUrl;
    window.htmx.ajax("GET", url, { target: "#timeline", swap: "outerHTML" });
  }, 400);
});

// Blocks added, moved and removed in the page, without a round trip: what is typed
// in every block stays where it is. The buttons are plain submit buttons underneath,
// which the server handles the same way when JavaScript is off.
const NUMBERED = ["name", "id", "for", "data-for", "aria-labelledby", "aria-describedby"];

function renumber(form) {
  const items = Array.from(form.querySelectorAll("[data-blocks] > li"));
  items.forEach((item, index) => {
    item.querySelectorAll("*").forEach((element) => {
      NUMBERED.forEach((name) => {
        const value = element.getAttribute(name);
        if (value) element.setAttribute(name, value.replace(/blocks-(\d+|__prefix__)-/g, `blocks-${index}-`));
      });
      if (element.matches("button[name=change]")) {
        element.value = element.value.replace(/^(up|down|remove|card)-(\d+|__prefix__)$/, `$1-${index}`);
      }
    });
    item.querySelector("[data-block-number]").textContent = form.dataset.blockLabel.replace("__n__", index + 1);
    item.querySelector("[data-block-move=up]").hidden = index === 0;
    item.querySelector("[data-block-move=down]").hidden = index === items.length - 1;
  });
  form.elements["blocks-TOTAL_FORMS"].value = String(items.length);
  form.dispatchEvent(new CustomEvent("composer:changed", { bubbles: true }));
}

function firstField(item) {
  return item.querySelector(".rich-text, textarea:not([hidden]), input:not([type=hidden]):not([type=file]), input[type=file], select");
}

function addBlock(form, kind) {
  // Outside the composer (it is swapped after each save; they are not): one composer a page.
  const template = document.querySelector(`template[data-block-template="${kind}"]`);
  if (!template) return;
  const item = template.content.firstElementChild.cloneNode(true);
  form.querySelector("[data-blocks]").appendChild(item);
  renumber(form);
  item.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true }));
  firstField(item)?.focus();
}

function moveBlock(form, item, direction) {
  const other = direction === "up" ? item.previousElementSibling : item.nextElementSibling;
  if (!other) return;
  if (direction === "up") other.before(item);
  else other.after(item);
  renumber(form);
  const button = item.querySelector(`[data-block-move=${direction}]`);
  (button.hidden ? item.querySelector("[data-block-move]:not([hidden])") : button)?.focus();
}

function removeBlock(form, item) {
  const next = item.nextElementSibling || item.previousElementSibling;
  item.remove();
  renumber(form);
  (next ? firstField(next) : form.querySelector("[data-add-block]"))?.focus();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest?.("[data-add-block], [data-block-move], [data-block-remove]");
  const form = button?.closest("form[data-composer]");
  if (!form) return;
  event.preventDefault();
  const item = button.closest("[data-blocks] > li");
  if (button.dataset.addBlock) addBlock(form, button.dataset.addBlock);
  else if (button.dataset.blockMove && item) moveBlock(form, item, button.dataset.blockMove);
  else if (item) removeBlock(form, item);
});
