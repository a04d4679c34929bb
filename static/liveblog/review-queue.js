// The review queue on the desk (templates/liveblog/desk_review.html), kept up to date by
// the desk's own socket (/ws/desk/<slug>/): a frame only says the queue changed, and the
// panel is fetched again over HTTP, where the server shows each person what they may see
// (the queue to reviewers, their own posts to a contributor). A note being typed in the
// panel survives the redraw, with its focus and caret, and so does what the last action said.

const RETRY_CEILING_MS = 30000;
const REFRESH_PAUSE_MS = 300;

const panel = () => document.querySelector("[data-review]");

let failures = 0;
let timer = null;

function typedNotes(box) {
  return Array.from(box.querySelectorAll("textarea")).map((field) => ({
    id: field.id,
    value: field.value,
    open: Boolean(field.closest("details")?.open),
    focused: document.activeElement === field,
    start: field.selectionStart,
    end: field.selectionEnd,
  }));
}

function putBack(box, notes) {
  for (const note of notes) {
    const field = box.querySelector(`#${CSS.escape(note.id)}`);
    if (!field) continue;
    field.value = note.value;
    const details = field.closest("details");
    if (details && note.open) details.open = true;
    if (note.focused) {
      field.focus();
      field.setSelectionRange(note.start, note.end);
    }
  }
}

async function refresh() {
  const box = panel();
  if (!box) return;
  try {
    const answer = await fetch(box.dataset.panelUrl, { credentials: "same-origin" });
    if (!answer.ok || answer.redirected) return;
    const holder = document.createElement("template");
    holder.innerHTML = (await answer.text()).trim();
    const fresh = holder.content.querySelector("[data-review]");
    const current = panel();
    if (!fresh || !current) return;
    const notes = typedNotes(current);
    // What the last action said ("Publiée : …") stays until the next one says something.
    const said = current.querySelector(":scope > .messages");
    if (said && !fresh.querySelector(":scope > .messages")) fresh.prepend(said);
    current.replaceWith(fresh);
    putBack(fresh, notes);
    window.htmx?.process(fresh);
  } catch {
    // Offline: the socket's next opening fetches it again.
  }
}

function refreshSoon() {
  clearTimeout(timer);
  timer = setTimeout(refresh, REFRESH_PAUSE_MS);
}

function connect(path) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${path}`);
  socket.addEventListener("open", () => {
    failures = 0;
    panel()?.setAttribute("data-connected", "true");
    refreshSoon();
  });
  socket.addEventListener("message", (frame) => {
    const message = JSON.parse(frame.data);
    if (message.kind === "review") refreshSoon();
  });
  socket.addEventListener("close", () => {
    panel()?.removeAttribute("data-connected");
    failures += 1;
    const ceiling = Math.min(RETRY_CEILING_MS, 1000 * 2 ** (failures - 1));
    setTimeout(() => connect(path), ceiling / 2 + (Math.random() * ceiling) / 2);
  });
}

const box = panel();
if (box) connect(box.dataset.socketPath);
