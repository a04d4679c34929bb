// Nothing typed is lost: every change to the composer is kept in this browser at once
// (localStorage) and sent to the server 2 s after typing pauses, or every 10 s for
// someone who never pauses. With the network down the draft waits in the browser and
// goes out when the network is back. Each composer has a key and numbers its changes:
// the server writes a numbered draft once, so a retry never saves it twice and an
// older state never replaces a newer one.
//
// Only the status line is ever touched: never the fields, the focus or the caret.

const STORE = "liveblog:draft:";
const QUIET = 2000;
const AT_LEAST = 10000;
const RETRY = 5000;
const SKIPPED = new Set(["csrfmiddlewaretoken", "action", "change"]);
const composers = new WeakMap();

function newKey() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID().replace(/-/g, "");
  return String(Date.now()) + Math.random().toString(16).slice(2);
}

class Drafts {
  constructor(form) {
    this.form = form;
    this.status = form.querySelector("[data-autosave]");
    this.slot = STORE + this.status.dataset.slot;
    const key = form.elements.composer_key;
    if (!key.value) key.value = newKey();
    this.key = key.value;
    this.seq = Number(form.elements.composer_seq.value || 0);
    this.sent = this.seq; // what the server holds of this composer
    this.inFlight = null;
    this.timers = {};
  }

  // What the composer holds now, as the server reads a form post (files apart:
  // photos are sent on their own as soon as they are picked).
  state() {
    return Array.from(new FormData(this.form)).filter(
      ([name, value]) => typeof value === "string" && !SKIPPED.has(name),
    );
  }

  stored() {
    try {
      return JSON.parse(localStorage.getItem(this.slot) || "null");
    } catch {
      return null;
    }
  }

  remember() {
    const entry = { key: this.key, seq: this.seq, state: this.state(), at: Date.now() };
    try {
      localStorage.setItem(this.slot, JSON.stringify(entry));
    } catch {
      // Storage full or refused (private mode): the server copy still goes out.
    }
  }

  forget(upTo) {
    const entry = this.stored();
    if (entry && entry.key === this.key && entry.seq <= upTo) localStorage.removeItem(this.slot);
  }

  changed() {
    // Saved and being replaced: the blur of the field Ctrl+Enter was pressed in fires a
    // late "change" while the fresh composer comes in; kept, it would bring the post
    // just published back into the composer as a draft to restore.
    if (this.done) return;
    this.seq += 1;
    this.form.elements.composer_seq.value = String(this.seq);
    this.remember();
    clearTimeout(this.timers.quiet);
    this.timers.quiet = setTimeout(() => this.save(), QUIET);
    if (!this.timers.atLeast) this.timers.atLeast = setTimeout(() => this.save(), AT_LEAST);
  }

  stop() {
    Object.values(this.timers).forEach(clearTimeout);
    this.timers = {};
  }

  save() {
    this.stop();
    if (!this.form.isConnected || this.done || this.submitting || this.seq <= this.sent) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const seq = this.seq;
    const body = new URLSearchParams(this.state());
    body.set("composer_key", this.key);
    body.set("composer_seq", String(seq));
    const token = this.form.elements.csrfmiddlewaretoken.value;
    this.inFlight = fetch(this.status.dataset.url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    })
      .then(async (response) => {
        const said = await response.text();
        if (response.redirected) {
          // Sent to the login page: the session ended. The words stay in this browser.
          this.status.textContent = this.status.dataset.loggedOut;
          this.retry();
        } else if (response.ok) {
          this.sent = Math.max(this.sent, seq);
          this.forget(seq);
          this.say(said);
        } else {
          // 503 says the database is away, in our words; anything else (a login
          // that expired) keeps the draft here and says so.
          this.say(response.status === 503 ? said : null);
          this.retry();
        }
      })
      .catch(() => {
        this.say(null);
        this.retry();
      })
      .finally(() => {
        this.inFlight = null;
        if (this.again) {
          this.again = false;
          this.save();
        }
      });
  }

  retry() {
    clearTimeout(this.timers.retry);
    this.timers.retry = setTimeout(() => this.save(), RETRY);
  }

  // Our own server's status line, or the offline sentence; never anything else.
  say(html) {
    if (html === null) this.status.textContent = this.status.dataset.offline;
    else this.status.innerHTML = html;
  }

  // Words this browser kept that the server never got (a reload with the network
  // down, a tab closed mid-save): the composer comes back with them, then sends them.
  resume() {
    const entry = this.stored();
    if (!entry || !Array.isArray(entry.state)) return;
    const [heldKey, heldSeq] = (this.status.dataset.held || ":").split(":");
    if (entry.key === heldKey && entry.seq <= Number(heldSeq || 0)) {
      localStorage.removeItem(this.slot); // the server has it already
    } else if (entry.key === this.key && entry.seq === this.seq) {
      this.sent = 0; // on the page, perhaps not on the server: send it (kept once there)
      this.save();
    } else if (entry.key === this.key && entry.seq < this.seq) {
      localStorage.removeItem(this.slot); // the page is newer than the copy
    } else {
      this.restore(entry);
    }
  }

  restore(entry) {
    const values = Object.fromEntries(entry.state);
    values.change = "restore";
    const section = this.form.closest("#composer");
    const headers = { "X-CSRFToken": this.form.elements.csrfmiddlewaretoken.value };
    window.htmx
      .ajax("POST", this.form.getAttribute("action"), { target: section, swap: "outerHTML", values, headers })
      .then(() => {
        const form = document.querySelector("form[data-composer]");
        if (form?.elements.composer_key.value !== entry.key) return;
        const status = form.querySelector("[data-autosave]");
        status.textContent = status.dataset.restored;
      });
  }
}

function drafts(form) {
  if (!composers.has(form)) composers.set(form, new Drafts(form));
  return composers.get(form);
}

function start(root) {
  const forms = root.matches?.("form[data-composer]")
    ? [root]
    : Array.from(root.querySelectorAll?.("form[data-composer]") || []);
  forms.forEach((form) => {
    if (composers.has(form) || !form.querySelector("[data-autosave]")) return;
    drafts(form).resume();
  });
}

function composerOf(target) {
  const form = target.closest?.("form[data-composer]");
  return form && form.querySelector("[data-autosave]") ? drafts(form) : null;
}

function onEdit(event) {
  if (event.target.matches?.("[data-library-search], input[type=file]")) return;
  composerOf(event.target)?.changed();
}
document.addEventListener("input", onEdit);
document.addEventListener("change", onEdit);
document.addEventListener("composer:changed", onEdit);

// A save button pressed while a draft is on its way waits for it, so the draft can
// never arrive after the post and come back as a ghost.
document.addEventListener("htmx:confirm", (event) => {
  const composer = event.target.matches?.("form[data-composer]") && composerOf(event.target);
  if (!composer) return;
  composer.stop();
  composer.submitting = true;
  if (composer.inFlight) {
    event.preventDefault();
    composer.inFlight.finally(() => event.detail.issueRequest(true));
  }
});

// Saved (or thrown away) on the server: the browser's copy is done with. Refused
// (422, a conflict, the database away): the copy stays until it is saved.
document.addEventListener("htmx:beforeOnLoad", (event) => {
  const composer = event.target.matches?.("form[data-composer]") && composerOf(event.target);
  if (!composer) return;
  composer.submitting = false;
  const status = event.detail.xhr.status;
  if (status >= 200 && status < 300) {
    composer.done = true;
    composer.stop();
    composer.forget(Infinity);
  }
});

document.addEventListener("htmx:sendError", (event) => {
  const composer = event.target.matches?.("form[data-composer]") && composerOf(event.target);
  if (composer) {
    composer.submitting = false;
    composer.say(null);
  }
});

window.addEventListener("online", () => {
  document.querySelectorAll("form[data-composer]").forEach((form) => composerOf(form)?.save());
});

document.addEventListener("DOMContentLoaded", () => start(document));
document.addEventListener("htmx:load", (event) => start(event.target));
