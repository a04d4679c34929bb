// Readers taking part on the live page: send a question and vote without leaving the page,
// show poll results to those who voted, keep them up to date from the live's events.
//
// Without JavaScript both forms post and the server answers with a page. With it, the
// same posts are sent with `X-Participation: fragment` and the answer replaces the form's
// message (a question) or the poll (a vote). The polls this browser voted in are listed in
// the `liveblog_votes` cookie the server signs ("12-40.15-3:…"); only the part before the
// first colon is read here.

const VOTES_COOKIE = "liveblog_votes";

function votedPolls() {
  const entry = document.cookie.split("; ").find((item) => item.startsWith(`${VOTES_COOKIE}=`));
  if (!entry) return new Map();
  let value = decodeURIComponent(entry.slice(VOTES_COOKIE.length + 1)).replace(/^"|"$/g, "");
  value = value.split(":")[0];
  return new Map(
    value
      .split(".")
      .map((pair) => pair.split("-"))
      .filter((pair) => pair.length === 2)
      .map(([poll, choice]) => [poll, choice]),
  );
}

function showVotedState(root = document) {
  const voted = votedPolls();
  for (const poll of root.querySelectorAll("[data-poll]")) {
    const choice = voted.get(poll.dataset.poll);
    const closed = Date.parse(poll.dataset.closes) <= Date.now();
    if (choice === undefined && !closed) continue;
    poll.querySelector("[data-poll-results]")?.removeAttribute("hidden");
    poll.querySelector(".poll-form")?.remove();
    const note = poll.querySelector("[data-poll-voted]");
    if (note && choice !== undefined) note.hidden = false;
    poll.querySelector(`[data-choice="${choice}"]`)?.classList.add("poll-result--mine");
  }
}

async function send(form) {
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-Participation": "fragment" },
    credentials: "same-origin",
  });
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  return { ok: response.ok, fragment: template.content.firstElementChild };
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  const poll = form.closest("[data-poll]");
  const asking = form.matches("[data-ask]");
  if (!poll && !asking) return;
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const { ok, fragment } = await send(form);
    if (poll && fragment) {
      poll.replaceWith(fragment);
      showVotedState(fragment.parentElement ?? document);
    } else if (asking && fragment) {
      form.querySelector("[data-ask-message]").replaceWith(fragment);
      // A refused question stays in the form, to fix or to send later.
      if (ok) form.reset();
    }
  } catch {
    const holder = poll ?? form;
    const message = holder.querySelector("[data-ask-message], [data-poll-message]");
    if (message) {
      message.textContent = holder.dataset.failed;
      message.hidden = false;
    }
  } finally {
    button.disabled = false;
  }
});

// New totals: a `poll.results` event carries its post's fresh rendering; take its polls'
// results and turnout, and leave each reader's own state (form or results) as it is.
document.addEventListener("live:event", (event) => {
  const message = event.detail;
  if (message.kind === "poll.results") {
    const template = document.createElement("template");
    template.innerHTML = message.html;
    for (const fresh of template.content.querySelectorAll("[data-poll]")) {
      const shown = document.getElementById(fresh.id);
      if (!shown) continue;
      for (const part of ["[data-poll-results]", ".poll-meta"]) {
        const old = shown.querySelector(part);
        const replacement = fresh.querySelector(part);
        if (old && replacement) {
          if (part === "[data-poll-results]") replacement.hidden = old.hidden;
          old.replaceWith(replacement);
        }
      }
    }
  }
  showVotedState();
});

showVotedState();
// New posts arrive later from the new-posts button: mark the polls in them too.
new MutationObserver(() => showVotedState()).observe(document.querySelector("main") ?? document.body, {
  childList: true,
  subtree: true,
});

// Alerts for key events: a service worker and a push subscription, kept on the server; the
// unsubscribe link it answers with is kept here, so one click stops them again.
const alerts = document.querySelector("[data-alerts]");
if (alerts && "serviceWorker" in navigator && "PushManager" in window) followAlerts(alerts);

function followAlerts(holder) {
  const button = holder.querySelector("button");
  const status = holder.querySelector("[role=status]");
  const stored = `liveblog-alerts:${holder.dataset.subscribe}`;
  const show = () => {
    const on = Boolean(localStorage.getItem(stored));
    button.textContent = on ? holder.dataset.on : holder.dataset.off;
    button.setAttribute("aria-pressed", String(on));
  };
  holder.hidden = false;
  show();
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "";
    try {
      // The worker's own folder (every live page) is its scope.
      const worker = new URL(holder.dataset.worker, location.href);
      const registration = await navigator.serviceWorker.register(worker, {
        scope: new URL(".", worker).pathname,
      });
      const existing = await registration.pushManager.getSubscription();
      const stopUrl = localStorage.getItem(stored);
      if (stopUrl) {
        await fetch(stopUrl, { method: "POST", headers: { Accept: "application/json" } });
        localStorage.removeItem(stored);
        await existing?.unsubscribe();
      } else {
        const subscription =
          existing ??
          (await registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: holder.dataset.key,
          }));
        const response = await fetch(holder.dataset.subscribe, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(subscription.toJSON()),
        });
        if (!response.ok) throw new Error(String(response.status));
        localStorage.setItem(stored, (await response.json()).unsubscribe);
      }
    } catch {
      status.textContent = holder.dataset.refused;
    } finally {
      button.disabled = false;
      show();
    }
  });
}
