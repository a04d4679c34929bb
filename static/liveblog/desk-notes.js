// Desk notes: the desk's private thread, pushed over the desk's own websocket
// (/ws/desk/<slug>/, session-authenticated). Notes are sent over HTTP by the form (htmx);
// a note arrives here from the socket, from the form's answer, or from the thread
// reloaded when the socket (re)opens, and is shown once whichever comes first.

const box = document.querySelector("[data-desk-notes]");
const RETRY_CEILING_MS = 30000;
let failures = 0;

const list = () => document.getElementById("desk-notes-list");

function markMention(item) {
  const mentions = (item.dataset.mentions || "").split(" ");
  if (!box.dataset.username || !mentions.includes(box.dataset.username)) return;
  if (item.classList.contains("desk-note--mention")) return;
  item.classList.add("desk-note--mention");
  const flag = document.createElement("strong");
  flag.className = "desk-note-flag";
  flag.textContent = box.dataset.mentionLabel;
  const meta = item.querySelector(".desk-note-meta");
  meta.append(" · ", flag);
}

function addNote(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html.trim();
  const item = holder.content.firstElementChild;
  if (!item || document.getElementById(item.id)) return;
  markMention(item);
  const thread = list();
  const atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
  thread.append(item);
  if (atBottom) thread.scrollTop = thread.scrollHeight;
}

async function reloadThread() {
  try {
    const answer = await fetch(box.dataset.threadUrl);
    if (!answer.ok) return;
    const holder = document.createElement("template");
    holder.innerHTML = (await answer.text()).trim();
    const fresh = holder.content.getElementById("desk-notes-list");
    if (!fresh) return;
    // Keep what arrived meanwhile; add what the thread has that this page missed.
    fresh.querySelectorAll(".desk-note").forEach((item) => addNote(item.outerHTML));
  } catch {
    // Offline: the next reconnection reloads it again.
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${box.dataset.socketPath}`);
  socket.addEventListener("open", () => {
    failures = 0;
    box.dataset.connected = "true";
    reloadThread();
  });
  socket.addEventListener("message", (frame) => {
    const message = JSON.parse(frame.data);
    if (message.kind === "note") addNote(message.html);
  });
  socket.addEventListener("close", () => {
    delete box.dataset.connected;
    failures += 1;
    const ceiling = Math.min(RETRY_CEILING_MS, 1000 * 2 ** (failures - 1));
    setTimeout(connect, ceiling / 2 + (Math.random() * ceiling) / 2);
  });
}

if (box) {
  // The form's answer carries the note just sent: shown at once, even if the socket is down.
  document.body.addEventListener("htmx:afterSwap", () => {
    const sent = document.querySelector("#desk-note-form template[data-sent-note]");
    if (!sent) return;
    addNote(sent.innerHTML);
    sent.remove();
  });

  // Ctrl+Enter (Cmd+Enter) sends, as it publishes in the composer.
  box.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = event.target.closest("#desk-note-form");
    if (!form) return;
    event.preventDefault();
    event.stopPropagation();
    form.requestSubmit();
  });

  list().querySelectorAll(".desk-note").forEach(markMention);
  connect();
}
