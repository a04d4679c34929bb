// Video cards play in place only when the reader asks: the card's link (to the video's
// page, which is where it goes without JavaScript) becomes the provider's privacy-enhanced
// player, the one frame the CSP allows. Delegated, so it works on posts that arrive live.

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-player]");
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  const card = link.closest(".card");
  const player = document.createElement("iframe");
  player.className = "card-player";
  player.src = link.dataset.player;
  player.title = link.dataset.playerTitle;
  player.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  player.allowFullscreen = true;
  player.referrerPolicy = "strict-origin-when-cross-origin";
  const image = card.querySelector(".card-image");
  if (image) image.replaceWith(player);
  else link.before(player);
  link.remove();
  player.focus();
});
