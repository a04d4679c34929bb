// The live page's reader: connect, apply events in order, queue new posts, reconnect.
//
// The page knows the sequence number it shows (main[data-seq]). The server sends
// every event after it, each with the next number; an event is applied once, in
// order (one arriving early waits for the missing ones, fetched over HTTP). When
// the socket drops the page reconnects with backoff and jitter from where it is,
// and polls /live/<slug>/events?after=N while websockets cannot connect (a page whose
// socket worked gives a restarting server a few seconds first), as often as
// the server says (each answer's poll_seconds), with jitter: thousands of pages dropped
// together by a server restart must not come back together.
// On the desk (main[data-desk]) it only announces events: desk.js redraws.
// The page names its websocket (main[data-socket]) and its catch-up URL
// (main[data-events-url]); every word shown comes from the page, in its language.

const RETRY_CEILING_MS = 30_000;
// Polling starts after this many failed connections in a row: two while the page's socket
// has never worked (a proxy that refuses websockets), four once it has (3.5 to 7 s of
// trying). A socket that worked and dropped is most often a server restarting: its
// readers come back over the socket within seconds, and polling it meanwhile only slows
// it down (5,000 readers current in 5 s without, 14 s with, in the storm benchmark).
const POLL_AFTER_FAILURES = 2;
const POLL_AFTER_FAILURES_ONCE_WORKED = 4;
// Until the server says otherwise; longer than the catch-up URL's max-age (3 s), so each
// poll gets a fresh answer. Each wait is this give or take a quarter.
const POLL_EVERY_MS = 5_000;
const POLL_FLOOR_MS = 1_000;
const POLL_JITTER = 0.25;
// A socket counts as working once it brought a message or stayed open this long: one that
// the server closes as soon as it has something to send (a frame it cannot send) must
// not reset the failures, or the page would reconnect into it for ever, never polling.
const STABLE_AFTER_MS = 15_000;
// Frames come as bytes (binary frames of UTF-8 JSON) from the readers' socket.
const utf8 = new TextDecoder();

const main = document.querySelector("main[data-session]");
if (main) follow(main);

function follow(main) {
  const eventsUrl = new URL(main.dataset.eventsUrl, location.href);
  const socketUrl = new URL(main.dataset.socket, location.href);
  socketUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const onDesk = "desk" in main.dataset;
  const query = new URLSearchParams(location.search);
  const olderPage = query.has("before") || query.has("after");
  let seq = Number(main.dataset.seq);
  const early = new Map(); // seq → event received ahead of a gap
  const page = onDesk ? null : readerPage(olderPage);
  let socket = null;
  let failures = 0;
  let worked = false; // a socket of this page has brought a message or stayed open
  let polling = null;
  let pollEvery = POLL_EVERY_MS;
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
      if (answer.poll_seconds > 0) pollEvery = Math.max(POLL_FLOOR_MS, answer.poll_seconds * 1000);
      answer.events.forEach(receive);
    } catch {
      // Offline: the next poll or reconnection tries again.
    } finally {
      catchingUp = false;
    }
  }

  // The first poll at a random moment of one interval, then one every interval or so.
  function startPolling() {
    if (polling) return;
    const round = {};
    polling = round;
    round.timer = setTimeout(() => poll(round), Math.random() * pollEvery);
  }

  async function poll(round) {
    await catchUp();
    // Only if polling was not stopped (a socket works again) or started anew meanwhile.
    if (polling === round) round.timer = setTimeout(() => poll(round), jittered(pollEvery));
  }

  function connect() {
    // Some proxies and embedded browsers have no WebSocket API, or refuse to open one:
    // such a reader polls the catch-up URL and still gets every post.
    if (typeof window.WebSocket !== "function") return startPolling();
    socketUrl.searchParams.set("after", seq);
    let opened;
    try {
      opened = new WebSocket(socketUrl);
    } catch {
      return startPolling();
    }
    // Frames may come as text or as bytes (UTF-8 JSON, encoded once for every reader).
    opened.binaryType = "arraybuffer";
    socket = opened;
    let stable = null;
    const working = () => {
      clearTimeout(stable);
      worked = true;
      failures = 0;
      clearTimeout(polling?.timer);
      polling = null;
    };
    opened.addEventListener("open", () => {
      stable = setTimeout(working, STABLE_AFTER_MS);
    });
    opened.addEventListener("message", (frame) => {
      if (failures || polling || !worked) working();
      receive(JSON.parse(typeof frame.data === "string" ? frame.data : utf8.decode(frame.data)));
    });
    opened.addEventListener("close", () => {
      clearTimeout(stable);
      socket = null;
      failures += 1;
      if (failures >= (worked ? POLL_AFTER_FAILURES_ONCE_WORKED : POLL_AFTER_FAILURES)) {
        startPolling();
      }
      retrying = setTimeout(connect, retryDelay(failures));
    });
  }

  // Back from a tunnel or a sleeping laptop: the socket may be dead without knowing it
  // yet, so ask over HTTP for what was missed, and reconnect now if it is closed.
  function wakeUp() {
    if (document.visibilityState !== "visible") return;
    catchUp();
    if (!socket && typeof window.WebSocket === "function") {
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

function jittered(milliseconds) {
  return milliseconds * (1 - POLL_JITTER + Math.random() * 2 * POLL_JITTER);
}

// What a reader sees change: posts in, out and in place, the header, the counter.
function readerPage(olderPage) {
  const live = document.getElementById("live");
  const oldestFirst = live.dataset.order === "oldest";
  const rubric = live.dataset.rubric || "";
  const keyPosts = keyPostsList(document.getElementById("key-posts"));
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

  const unseen = new Set(); // posts counted as published whose content comes in a later event

  function apply(message) {
    // Too big to travel as a message: the page itself shows it.
    if (message.too_large) return location.reload();
    if (message.superseded) superseded(message);
    else if (message.kind === "post.published") published(message);
    else if (message.kind === "post.updated") updated(message);
    else if (message.kind === "post.deleted") deleted(message.post);
    else if (message.kind === "session.updated") headerChanged(message.html);
  }

  // An event whose content was withdrawn or replaced since: a later event of the same post
  // (or a later header) carries what is shown now. A publication still counts.
  function superseded(message) {
    if (message.kind !== "post.published") return;
    setTotal(total + 1);
    unseen.add(message.post);
  }

  function published(message, counted = false) {
    if (!counted) setTotal(total + 1);
    keyPosts.follow(message);
    if (!inFilter(message)) return;
    if (oldestFirst) {
      // Oldest first, the newest post goes at the bottom, below what is read: nothing moves.
      place(message, true);
    } else if (!olderPage && waiting.length === 0 && atTop()) {
      place(message, true);
      announce(`${announcer.dataset.newPost} ${headingOf(message.html)}`);
    } else {
      waiting.push(message);
      showButton();
    }
  }

  function updated(message) {
    if (unseen.delete(message.post)) return published(message, true);
    keyPosts.follow(message);
    if (!inFilter(message)) {
      waiting = waiting.filter((held) => held.post !== message.post);
      document.getElementById(`post-${message.post}`)?.remove();
      tidyDayBreaks();
      return showButton();
    }
    const queued = waiting.findIndex((held) => held.post === message.post);
    if (queued >= 0) {
      waiting[queued] = message;
      return;
    }
    const shown = document.getElementById(`post-${message.post}`);
    if (shown && shown.parentElement === (message.pinned ? pinned : posts)) {
      shown.replaceWith(article(message));
    } else if (!olderPage && !oldestFirst) {
      shown?.remove();
      place(message, false);
    } else if (shown) {
      shown.replaceWith(article(message));
    }
    pinned.hidden = !pinned.querySelector("article");
  }

  function deleted(postId) {
    setTotal(total - 1);
    keyPosts.remove(postId);
    unseen.delete(postId);
    const before = waiting.length;
    waiting = waiting.filter((held) => held.post !== postId);
    if (waiting.length !== before) showButton();
    document.getElementById(`post-${postId}`)?.remove();
    pinned.hidden = !pinned.querySelector("article");
    tidyDayBreaks();
  }

  // A day's separator with no post under it any more goes too.
  function tidyDayBreaks() {
    posts.querySelectorAll(":scope > .day-break").forEach((separator) => {
      if (separator.nextElementSibling?.tagName !== "ARTICLE") separator.remove();
    });
  }

  function headerChanged(html) {
    document.getElementById("session-header").replaceWith(fragment(html));
    title = document.querySelector("#session-header h1").textContent.trim();
    showButton();
  }

  // A reader who chose one rubric gets only its posts.
  function inFilter(message) {
    return !rubric || article(message).dataset.rubric === rubric;
  }

  // New posts go in by their time (data-sort: larger is newer), pinned ones in #pinned.
  function place(message, arriving) {
    const container = message.pinned ? pinned : posts;
    const post = article(message);
    const next = [...container.querySelectorAll(":scope > article")].find((other) =>
      oldestFirst && container === posts
        ? other.dataset.sort > message.sort
        : other.dataset.sort < message.sort,
    );
    if (!next && container === posts && document.querySelector(".pager a[rel=next]")) {
      return; // beyond this page's last post: it belongs on the next page
    }
    container.insertBefore(post, dayBreakBefore(next) || next || null);
    if (container === posts) separateDays(post);
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

  // On a live of several days, a post whose day differs from the post above starts it.
  function separateDays(post) {
    if (!posts.querySelector(".day-break")) return;
    const above = previousArticle(post);
    if (!above || dayOf(above) !== dayOf(post)) post.before(dayBreak(dayOf(post)));
    const below = nextArticle(post);
    if (below && dayOf(below) === dayOf(post) && below.previousElementSibling?.matches(".day-break")) {
      below.previousElementSibling.remove();
    }
  }

  // The top of the stream is in view: a new post can slide in without moving what is read.
  function atTop() {
    return posts.getBoundingClientRect().top >= 0;
  }

  return { apply };
}

// “L'essentiel”: the key posts, newest first, kept as editors mark and unmark them.
function keyPostsList(nav) {
  if (!nav) return { follow() {}, remove() {} }; // the embed page has no rail
  const list = nav.querySelector("ol");
  const shown = Number(nav.dataset.shown) || 6;

  function follow(message) {
    const post = article(message);
    if (!post.classList.contains("post--key")) return remove(message.post);
    const time = post.querySelector(".post-time");
    const title = post.querySelector(".post-title");
    const untitled = !title || title.querySelector(".visually-hidden");
    const item = document.createElement("li");
    item.dataset.post = message.post;
    item.dataset.sort = message.sort;
    const link = document.createElement("a");
    const onPage = document.getElementById(`post-${message.post}`);
    link.href = onPage ? `#post-${message.post}` : post.querySelector(".permalink").getAttribute("href");
    link.append(time.cloneNode(true), ` ${untitled ? nav.dataset.untitled : title.textContent.trim()}`);
    link.firstChild.removeAttribute("class");
    item.append(link);
    list.querySelector(`li[data-post="${message.post}"]`)?.remove();
    const older = [...list.children].find((other) => other.dataset.sort < message.sort);
    list.insertBefore(item, older || null);
    while (list.children.length > shown) list.lastElementChild.remove();
    nav.hidden = false;
  }

  function remove(postId) {
    list.querySelector(`li[data-post="${postId}"]`)?.remove();
    nav.hidden = list.children.length === 0;
  }

  return { follow, remove };
}

function previousArticle(element) {
  let other = element.previousElementSibling;
  while (other && other.tagName !== "ARTICLE") other = other.previousElementSibling;
  return other;
}

function nextArticle(element) {
  let other = element.nextElementSibling;
  while (other && other.tagName !== "ARTICLE") other = other.nextElementSibling;
  return other;
}

// A day's separator sits just above its first post: a post placed before that post goes above it.
function dayBreakBefore(post) {
  const above = post?.previousElementSibling;
  return above?.matches(".day-break") ? above : null;
}

function dayOf(post) {
  return post.querySelector("time.post-time").getAttribute("datetime").slice(0, 10);
}

function dayBreak(day) {
  const element = document.createElement("p");
  element.className = "day-break";
  const time = document.createElement("time");
  time.dateTime = day;
  time.textContent = new Intl.DateTimeFormat(document.documentElement.lang || "fr", {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${day}T12:00:00Z`));
  element.append(time);
  return element;
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
