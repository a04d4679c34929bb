// The new-live form: the slug follows the headline as it is typed, until someone edits
// the slug itself. Without JavaScript the server makes the same slug from the headline.
const form = document.querySelector("form[data-live-form]");
const headline = form?.querySelector("[name=headline]");
const slug = form?.querySelector("[name=slug]");

function slugify(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9\s-]/g, "").trim().replace(/[\s-]+/g, "-").slice(0, 116);
}

if (headline && slug) {
  let touched = slug.value !== "";
  slug.addEventListener("input", function () { touched = slug.value !== ""; });
  headline.addEventListener("input", function () {
    if (!touched) slug.value = slugify(headline.value);
  });
}
