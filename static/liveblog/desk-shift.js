// The desk over a long shift: the timeline keeps what the person is doing through its
// refreshes, and a phone gets a camera button beside each photo picker. Conveniences
// only: without JavaScript the timeline's filters are links and the picker offers the
// camera on phones anyway.

// The timeline is redrawn on every event of the live (desk.js) and on each filter:
// posts opened in place stay open, and a search being typed is not lost.
let kept = null;

document.addEventListener("htmx:beforeSwap", function (event) {
  const timeline = document.getElementById("timeline");
  if (!timeline || !event.detail.target || event.detail.target.id !== "timeline") return;
  const search = document.getElementById("timeline-q");
  const typing = search && document.activeElement === search;
  kept = {
    open: Array.prototype.map.call(timeline.querySelectorAll("details.desk-item[open]"), function (item) {
      return item.closest(".desk-post").id;
    }),
    search: typing ? { value: search.value, start: search.selectionStart, end: search.selectionEnd } : null,
  };
});

document.addEventListener("htmx:afterSwap", function (event) {
  if (!kept || !event.detail.target) return;
  const timeline = document.getElementById("timeline");
  if (!timeline || !timeline.isConnected) return;
  kept.open.forEach(function (id) {
    const item = document.querySelector("#" + CSS.escape(id) + " > details.desk-item");
    if (item) item.open = true;
  });
  const search = document.getElementById("timeline-q");
  if (search && kept.search) {
    search.value = kept.search.value;
    search.focus();
    search.setSelectionRange(kept.search.start, kept.search.end);
  }
  kept = null;
});

// A second picker that opens the camera straight away (capture), sending the same field:
// photo-upload.js takes it like any picker.
function addCamera(root) {
  const template = document.getElementById("camera-field");
  if (!template) return;
  root.querySelectorAll("form[data-composer] .block-editor--photo input[type=file]:not([capture])").forEach(function (picker) {
    const block = picker.closest(".block-editor");
    if (!block || block.querySelector("[data-camera]")) return;
    const field = template.content.firstElementChild.cloneNode(true);
    const camera = field.querySelector("input");
    camera.name = picker.name;
    camera.id = picker.id + "-camera";
    field.querySelector("label").htmlFor = camera.id;
    picker.closest(".field").insertAdjacentElement("afterend", field);
  });
}

document.addEventListener("DOMContentLoaded", function () { addCamera(document); });
document.addEventListener("htmx:load", function (event) { addCamera(event.target); });
