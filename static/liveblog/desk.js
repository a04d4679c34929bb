// The desk's small behaviours on top of htmx. Everything here is a convenience:
// the desk works with JavaScript off (plain form posts, full pages).
(function () {
  "use strict";

  // Ctrl+Enter (Cmd+Enter on a Mac) publishes: a click on the composer's publish
  // button, so htmx sends the button's name and value like a real click.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var form = event.target.closest && event.target.closest("form[data-composer]");
    if (!form) return;
    var publish = form.querySelector("[data-publish]");
    if (!publish) return;
    event.preventDefault();
    publish.click();
  });

  // Autosave: htmx saves 2 s after typing pauses; someone typing without a pause
  // still gets a save every 10 s, so a crashed tab loses at most that much.
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-composer]");
    if (form) form.dataset.dirty = "1";
  });
  setInterval(function () {
    if (!window.htmx) return;
    document.querySelectorAll("form[data-composer][data-dirty]").forEach(function (form) {
      delete form.dataset.dirty;
      var saver = form.querySelector("[data-autosave]");
      if (saver) window.htmx.trigger(saver, "autosave");
    });
  }, 10000);

  // live.js announces every event of the session; the desk answers by fetching its
  // timeline again (once per burst), so colleagues' posts appear without a reload.
  var refreshTimer = null;
  document.addEventListener("live:event", function () {
    var desk = document.querySelector("main[data-desk][data-timeline-url]");
    if (!desk || !window.htmx) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      // The timeline's own address keeps its filters and search (desk-shift.js keeps the rest).
      var timeline = document.getElementById("timeline");
      var url = (timeline && timeline.dataset.url) || desk.dataset.timelineUrl;
      window.htmx.ajax("GET", url, { target: "#timeline", swap: "outerHTML" });
    }, 400);
  });

  // Minimal formatting for paragraphs: wraps the selection in the allowed tags.
  // The server sanitises whatever arrives, so this is only a typing aid.
  // Labels follow the page's language; the server's catalog does not reach this file.
  var FRENCH = (document.documentElement.lang || "fr").indexOf("fr") === 0;
  var TOOLS = [
    { label: "G", name: FRENCH ? "Gras" : "Bold", before: "<strong>", after: "</strong>" },
    { label: "I", name: FRENCH ? "Italique" : "Italic", before: "<em>", after: "</em>" },
    { label: FRENCH ? "Lien" : "Link", name: FRENCH ? "Lien" : "Link", before: '<a href="https://">', after: "</a>" },
    { label: "•", name: FRENCH ? "Liste" : "List", before: "<ul>\n<li>", after: "</li>\n</ul>" },
  ];

  function addToolbar(textarea) {
    if (textarea.dataset.toolbar) return;
    textarea.dataset.toolbar = "1";
    var bar = document.createElement("div");
    bar.className = "format-bar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", FRENCH ? "Mise en forme" : "Formatting");
    TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small";
      button.textContent = tool.label;
      button.setAttribute("aria-label", tool.name);
      button.addEventListener("click", function () {
        var start = textarea.selectionStart, end = textarea.selectionEnd, text = textarea.value;
        textarea.value = text.slice(0, start) + tool.before + text.slice(start, end) + tool.after + text.slice(end);
        textarea.focus();
        textarea.setSelectionRange(start + tool.before.length, end + tool.before.length);
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      });
      bar.appendChild(button);
    });
    textarea.parentNode.insertBefore(bar, textarea);
  }

  function enhance(root) {
    root.querySelectorAll(".block-editor--paragraph textarea").forEach(addToolbar);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
