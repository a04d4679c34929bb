// Loaded by a partner page next to our iframe (see the embed snippet on the desk):
// sizes each live-blog iframe to the height its page reports by postMessage.
// The one classic script of ours, on purpose: a partner pastes it on a page of
// another origin, where a module would need CORS headers on our static files and
// `import.meta` would replace `document.currentScript`, which tells us our origin.
(() => {
  "use strict";

  if (window.liveblogEmbedListening) return; // the snippet pasted twice
  window.liveblogEmbedListening = true;
  const origin = new URL(document.currentScript.src).origin;

  window.addEventListener("message", (event) => {
    if (event.origin !== origin) return;
    const data = event.data;
    if (!data || data.type !== "liveblog:height" || !Number.isFinite(data.height)) return;
    for (const frame of document.querySelectorAll("iframe[data-liveblog-embed]")) {
      if (frame.contentWindow === event.source) {
        frame.style.height = `${Math.max(200, Math.ceil(data.height))}px`;
      }
    }
  });
})();
