// On the embed page, inside a partner's iframe: tell the partner page our height
// whenever it changes (new posts, opened share panel), so its iframe fits without
// a scrollbar. static/liveblog/embed.js, loaded by the partner page, listens.

let last = 0;

function report() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === last) return;
  last = height;
  window.parent.postMessage({ type: "liveblog:height", height }, "*");
}

if (window.parent !== window) {
  new ResizeObserver(report).observe(document.documentElement);
  // A module runs after parsing: the page may have finished loading already.
  if (document.readyState === "complete") report();
  else window.addEventListener("load", report);
}
