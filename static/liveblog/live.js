// The live page's reader: connect, apply events in order, queue new posts, reconnect.
//
// The page knows the sequence number it shows (main[data-seq]). The server sends
// every event after it, each with the next number; an event is applied once, in
// order (one arriving early waits for the missing ones, fetched over HTTP). When
// the socket drops the page reconnects with backoff and jitter from where it is,
// and polls /live/<slug>/events?after=N while websockets cannot connect.
// On the desk (main[data-desk]) it only announces events: desk.js redraws.
// The page names its websocket (main[data-socket]) and its catch-up URL
// (main[data-events-url]); every word shown comes from the page, in its language.

const RETRY_CEILING_MS = 30_000;
const POLL_AFTER_FAILURES = 2;
// Longer than the catch-up URL's max-age (3 s), so each poll gets a fresh answer.
const POLL_EVERY_MS = 5_000;

const main = document.querySelector("main[data-session]");
if (main) follow(main);

function follow(main) {
  const eventsUrl = new URL(main.dataset.eventsUrl, location.href);
  const socketUrl = new URL(main.dataset.socket, location.href);
  socketUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const onDesk = "desk" in main.dataset;
  const olderPage = new URLSearchParams(location.search).has("before");
  let seq = Number(main.dataset.seq);
  const early = new Map(); // seq → event received ahead of a gap
  const page = onDesk ? null : readerPage(olderPage);
  let socket = null;
  let failures = 0;
  let polling = null;
  let retrying = null;
  let catchingUp = false;

  function receive(message) {
    if (message.kind === "reload") return location.reload();
    if (message.seq <= seq) return;
    if (message.seq > seq + 1) {
      early.set(message.seq, message);
      return catchUp();
    }
    apply(message);
    while (early.has(seq + 1)) {
      const next = early.get(seq + 1);
      early.delete(seq + 1);
      apply(next);
    }
  }

  function apply(message) {
    seq = message.seq;
    main.dataset.seq = String(seq);
    if (page) page.apply(message);
    document.dispatchEvent(new CustomEvent("live:event", { detail: message }));
  }

  async function catchUp() {
    if (catchingUp) return;
    catchingUp = true;
    try {
      eventsUrl.searchParams.set("after", seq);
      const response = await fetch(eventsUrl);
      if (!response.ok) return;
      const answer = await response.json();
      if (answer.reload) return location.reload();
      answer.events.forEach(receive);
    } catch {
      // Offline: the next poll or reconnection tries again.
    } finally {
      catchingUp = false;
    }
  }

  function connect() {
    socketUrl.searchParams.set("after", seq);
    const opened = new WebSocket(socketUrl);
    socket = opened;
    opened.addEventListener("open", () => {
      failures = 0;
      clearInterval(polling);
      polling = null;
    });
    opened.addEventListener("message", (frame) => receive(JSON.parse(frame.data)));
    opened.addEventListener("close", () => {
      socket = null;
      failures += 1;
      if (failures >= POLL_AFTER_FAILURES && !polling) {
        polling = setInterval(catchUp, POLL_EVERY_MS);
        catchUp();
      }
      retrying = setTimeout(connect, retryDelay(failures));
    });
  }

  // Back from a tunnel or a sleeping laptop: the socket may be dead without knowing it
  // yet, so ask over HTTP for what was missed, and reconnect now if it is closed.
  function wakeUp() {
    if (document.visibilityState !== "visible") return;
    catchUp();
    if (!socket) {
      clearTimeout(retrying);
      connect();
    }
  }
  document.addEventListener("visibilitychange", wakeUp);
  window.addEventListener("online", wakeUp);

  connect();
}

// Exponential backoff with jitter, so readers dropped together do not return together.
function retryDelay(failures) {
  const ceiling = Math.min(RETRY_CEILING_MS, 1000 * 2 ** (failures - 1));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

// What a reader sees change: posts in, out and in place, the header, the counter.
function readerPage(olderPage) {
  const posts = document.getElementById("posts");
  const pinned = document.getElementById("pinned");
  const button = document.getElementById("new-posts");
  const announcer = document.getElementById("live-announcer");
  const count = document.getElementById("post-count");
  const plural = new Intl.PluralRules(document.documentElement.lang || "fr");
  let waiting = []; // new posts held behind the button, oldest first
  let title = document.title;
  let total = Number((count.textContent.match(/\d+/) || ["0"])[0]);

  button.addEventListener("click", showWaiting);

  function apply(message) {
    if (message.kind === "post.published") published(message);
    else if (message.kind === "post.updated") updated(message);
    else if (message.kind === "post.deleted") deleted(message.post);
    else if (message.kind === "session.updated") headerChanged(message.html);
  }

  function published(message) {
    setTotal(total + 1);
    if (!olderPage && waiting.length === 0 && atTop()) {
      place(message, true);
      announce(`${announcer.dataset.newPost} ${headingOf(message.html)}`);
    } else {
      waiting.push(message);
      showButton();
    }
  }

  function updated(message) {
    const queued = waiting.findIndex((held) => held.post === message.post);
    if (queued >= 0) {
      waiting[queued] = message;
      return;
    }
    const shown = document.getElementById(`post-${message.post}`);
    if (shown && shown.parentElement === (message.pinned ? pinned : posts)) {
      shown.replaceWith(article(message));
    } else if (!olderPage) {
      shown?.remove();
      place(message, false);
    } else if (shown) {
      shown.replaceWith(article(message));
    }
    pinned.hidden = !pinned.querySelector("article");
  }

  function deleted(postId) {
    setTotal(total - 1);
    const before = waiting.length;
    waiting = waiting.filter((held) => held.post !== postId);
    if (waiting.length !== before) showButton();
    document.getElementById(`post-${postId}`)?.remove();
    pinned.hidden = !pinned.querySelector("article");
  }

  function headerChanged(html) {
    document.getElementById("session-header").replaceWith(fragment(html));
    title = document.querySelector("#session-header h1").textContent.trim();
    showButton();
  }

  // New posts go in by their time (data-sort: larger is newer), pinned ones in #pinned.
  function place(message, arriving) {
    const container = message.pinned ? pinned : posts;
    const post = article(message);
    const older = [...container.querySelectorAll(":scope > article")].find(
      (other) => other.dataset.sort < message.sort,
    );
    if (!older && container === posts && document.querySelector(".pager a[rel=next]")) {
      return; // older than this page's last post: it belongs on an older page
    }
    container.insertBefore(post, older || null);
    posts.querySelector(".no-posts")?.remove();
    pinned.hidden = !pinned.querySelector("article");
    if (arriving) {
      post.classList.add("post--arriving");
      post.addEventListener("animationend", () => post.classList.remove("post--arriving"), {
        once: true,
      });
    }
  }

  function showWaiting() {
    if (olderPage) return location.assign(location.pathname);
    const shown = waiting;
    waiting = [];
    shown.forEach((message) => place(message, true));
    showButton();
    const newest = document.getElementById(`post-${shown[shown.length - 1]?.post}`);
    if (newest) {
      newest.setAttribute("tabindex", "-1");
      newest.focus({ preventScroll: true });
      (pinned.hidden ? posts : pinned).scrollIntoView({ block: "start" });
    }
  }

  function showButton() {
    const n = waiting.length;
    button.hidden = n === 0;
    document.title = n ? `(${n}) ${title}` : title;
    if (n) {
      button.textContent = counted(button, n);
      announce(button.textContent);
    }
  }

  function setTotal(n) {
    total = Math.max(0, n);
    count.textContent = counted(count, total);
  }

  // "1 publication" / "3 publications": the server renders both forms, we put the number in.
  function counted(element, n) {
    const form = plural.select(n) === "one" ? element.dataset.one : element.dataset.many;
    return form.replace(/\d+/, String(n));
  }

  function announce(text) {
    announcer.textContent = "";
    requestAnimationFrame(() => {
      announcer.textContent = text;
    });
  }

  // The top of the stream is in view: a new post can slide in without moving what is read.
  function atTop() {
    return posts.getBoundingClientRect().top >= 0;
  }

  return { apply };
}

function article(message) {
  const element = fragment(message.html);
  element.dataset.sort = message.sort;
  return element;
}

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

function headingOf(html) {
  return fragment(html).querySelector("h3")?.textContent.trim() || "";
}
