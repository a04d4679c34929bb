// “Partager”: the browser's own share sheet (Web Share API) where it has one,
// otherwise the link is copied. Listens on the document, so posts that arrive
// live (static/liveblog/live.js) share like the others without wiring.
// Its words, in the page's language, and its polite live region are the page's
// #share-status (templates/liveblog/share_status.html).

const status = document.getElementById("share-status");
if (status) {
  document.documentElement.classList.add("can-share");
  document.addEventListener("click", onClick);
}

function announce(text) {
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = text;
  }, 50);
}

function absolute(url) {
  return new URL(url, document.baseURI).href;
}

async function copy(text, done = status.dataset.linkCopied) {
  try {
    await navigator.clipboard.writeText(text);
    announce(done);
  } catch {
    window.prompt(status.dataset.copyPrompt, text);
  }
}

async function share(url, title) {
  if (navigator.share) {
    try {
      await navigator.share({ url, title });
      return;
    } catch (error) {
      if (error.name === "AbortError") return;
    }
  }
  await copy(url);
}

function onClick(event) {
  const button = event.target.closest(".share-button, .share-copy");
  if (button) {
    if (button.dataset.copyFrom) {
      copy(document.getElementById(button.dataset.copyFrom).value, status.dataset.codeCopied);
      return;
    }
    const url = absolute(button.dataset.shareUrl);
    if (button.classList.contains("share-copy")) copy(url);
    else share(url, button.dataset.shareTitle || document.title);
    return;
  }
  // The session's “Partager” opens the share sheet; without one, its panel of links.
  const summary = event.target.closest("details.share > summary");
  if (summary && navigator.share) {
    event.preventDefault();
    const details = summary.parentElement;
    share(absolute(details.dataset.shareUrl), details.dataset.shareTitle || document.title);
  }
}
