// Paragraph blocks as formatted text: bold, italic, links and lists, edited in place.
// The bare textarea stays underneath (hidden) and carries the HTML to the server,
// which cleans it again with nh3 whatever arrives. With JavaScript off the textarea
// is plain text with blank lines between paragraphs.
//
// Hand-written rather than a vendored editor: the allowed formatting is five tags, the
// browser's own editing (contenteditable, its undo, spell checking, Ctrl+B / Ctrl+I)
// covers it, and what an editor library adds (schemas, collaborative steps, plugins)
// would be 100-300 KB to keep up to date for nothing a journalist sees here.

const TAGS = { P: "p", BR: "br", STRONG: "strong", B: "strong", EM: "em", I: "em", A: "a", UL: "ul", OL: "ol", LI: "li" };
const AS_PARAGRAPH = new Set(["DIV", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE", "SECTION", "ARTICLE", "TR", "DT", "DD", "FIGCAPTION"]);
const DROPPED = new Set(["SCRIPT", "STYLE", "TEMPLATE", "HEAD", "TITLE", "META", "LINK", "OBJECT", "EMBED", "IFRAME", "SVG", "MATH", "NOSCRIPT", "IMG", "PICTURE", "VIDEO", "AUDIO", "CANVAS", "INPUT", "BUTTON", "SELECT", "TEXTAREA", "FORM"]);
const INLINE = new Set(["#text", "STRONG", "EM", "A", "BR"]);

function safeHref(href) {
  try {
    const url = new URL(href, document.baseURI);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

// What word processors say with styles: bold and italic spans, and Google Docs'
// <b style="font-weight:normal"> wrapper around everything, which is not bold at all.
// The style attribute is read as text: the desk's CSP (no inline styles) leaves
// element.style empty, even in a parsed document.
function styleOf(element, property) {
  const match = (element.getAttribute("style") || "").match(new RegExp("(?:^|;)\\s*" + property + "\\s*:\\s*([^;]+)", "i"));
  return match ? match[1].trim().toLowerCase() : "";
}

function tagFor(element) {
  const weight = styleOf(element, "font-weight");
  if (element.tagName === "B" && (weight === "normal" || weight === "400")) return null;
  if (TAGS[element.tagName]) return TAGS[element.tagName];
  if (element.tagName === "SPAN") {
    if (weight === "bold" || Number(weight) >= 600) return "strong";
    if (styleOf(element, "font-style") === "italic") return "em";
  }
  return null;
}

// The allowed part of `source`'s children, as new nodes of `doc`: words and allowed
// formatting kept, everything else (styles, classes, images, scripts) dropped.
function copyAllowed(source, target, doc) {
  source.childNodes.forEach((node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      target.appendChild(doc.createTextNode(node.nodeValue.replace(/[\t\n\r ]+/g, " ")));
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE || DROPPED.has(node.tagName)) return;
    const tag = tagFor(node);
    if (tag === "a" && !safeHref(node.getAttribute("href") || "")) {
      copyAllowed(node, target, doc);
    } else if (tag) {
      const copy = doc.createElement(tag);
      if (tag === "a") copy.setAttribute("href", safeHref(node.getAttribute("href")));
      if (tag !== "br") copyAllowed(node, copy, doc);
      target.appendChild(copy);
    } else if (AS_PARAGRAPH.has(node.tagName)) {
      const paragraph = doc.createElement("p");
      copyAllowed(node, paragraph, doc);
      target.appendChild(paragraph);
    } else {
      copyAllowed(node, target, doc);
    }
  });
  return target;
}

// Clean HTML for the server: loose text and inline runs go into paragraphs, a
// paragraph inside a paragraph is flattened, empty paragraphs are dropped.
function serialize(root) {
  const doc = document.implementation.createHTMLDocument("");
  const clean = copyAllowed(root, doc.createElement("div"), doc);
  const out = doc.createElement("div");
  let run = null;
  Array.from(clean.childNodes).forEach((node) => {
    if (INLINE.has(node.nodeName)) {
      run = run || out.appendChild(doc.createElement("p"));
      run.appendChild(node);
    } else {
      run = null;
      out.appendChild(node);
    }
  });
  out.querySelectorAll("p p").forEach((inner) => inner.replaceWith(...inner.childNodes));
  out.querySelectorAll("p, li").forEach((element) => {
    if (!element.textContent.trim()) element.remove();
  });
  return out.textContent.trim() ? out.innerHTML : "";
}

function fromHtml(html) {
  return new DOMParser().parseFromString(html, "text/html").body;
}

function escapeText(text) {
  const holder = document.createElement("div");
  holder.textContent = text;
  return holder.innerHTML;
}

function plainToHtml(text) {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .filter((chunk) => chunk.trim())
    .map((chunk) => "<p>" + chunk.trim().split("\n").map(escapeText).join("<br>") + "</p>")
    .join("");
}

function words() {
  return document.querySelector("[data-rich-text-words]")?.dataset || {};
}

const TOOLS = [
  { name: "bold", label: "G", command: "bold" },
  { name: "italic", label: "I", command: "italic" },
  { name: "link", label: null, command: "createLink" }, // its word, translated
  { name: "list", label: "•", command: "insertUnorderedList" },
  { name: "numbered", label: "1.", command: "insertOrderedList" },
];

function toolbar(editor) {
  const said = words();
  const bar = document.createElement("div");
  bar.className = "format-bar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", said.toolbar || "Formatting");
  TOOLS.forEach((tool) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small format-" + tool.name;
    // The sign is what the eye reads; the name is what a screen reader says.
    const sign = document.createElement("span");
    sign.setAttribute("aria-hidden", "true");
    sign.textContent = tool.label || said[tool.name] || tool.name;
    const name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = said[tool.name] || tool.name;
    button.append(sign, name);
    button.title = said[tool.name] || tool.name;
    // Keeps the selection in the text while the button is pressed.
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => {
      editor.focus();
      if (tool.command === "createLink") {
        const address = window.prompt(said.linkPrompt || "https://", "https://");
        const href = address && safeHref(address.trim());
        if (href) document.execCommand("createLink", false, href);
        return;
      }
      document.execCommand(tool.command, false, null);
    });
    // One stop for the whole toolbar (arrows move inside it): Tab goes from the title
    // to the text past one button, not five.
    button.tabIndex = bar.children.length === 0 ? 0 : -1;
    bar.appendChild(button);
  });
  bar.addEventListener("keydown", (event) => {
    const buttons = Array.from(bar.querySelectorAll("button"));
    const at = buttons.indexOf(document.activeElement);
    const to = {
      ArrowRight: (at + 1) % buttons.length,
      ArrowLeft: (at - 1 + buttons.length) % buttons.length,
      Home: 0,
      End: buttons.length - 1,
    }[event.key];
    if (at < 0 || to === undefined) return;
    event.preventDefault();
    buttons.forEach((button, index) => {
      button.tabIndex = index === to ? 0 : -1;
    });
    buttons[to].focus();
  });
  return bar;
}

function enhance(textarea) {
  if (textarea.dataset.enhanced) return;
  textarea.dataset.enhanced = "1";
  const field = textarea.closest(".field");
  const label = field.querySelector("label");
  const format = field.querySelector("[data-text-format]");
  const editor = document.createElement("div");
  editor.className = "rich-text";
  editor.contentEditable = "true";
  editor.spellcheck = true;
  editor.setAttribute("role", "textbox");
  editor.setAttribute("aria-multiline", "true");
  editor.setAttribute("aria-labelledby", label.id);
  if (textarea.getAttribute("aria-invalid")) editor.setAttribute("aria-invalid", "true");
  // The server's HTML (already nh3-clean) goes through the same allow-list again; but words
  // typed into the plain field while the page was still loading, before this script ran,
  // are what the journalist wants, and are kept.
  // (A browser restoring the form after a reload may give back this script's own HTML.)
  if (textarea.value !== textarea.defaultValue) {
    const restored = format.value === "html" || /^<(p|ul|ol)[\s>]/.test(textarea.value.trim());
    editor.innerHTML = restored ? serialize(fromHtml(textarea.value)) : plainToHtml(textarea.value);
  } else {
    const start = textarea.dataset.html ? fromHtml(textarea.dataset.html) : null;
    editor.innerHTML = start ? serialize(start) : "";
  }
  if (!editor.innerHTML) editor.innerHTML = "<p><br></p>";

  // The label now names the editor; the textarea only carries the value.
  label.dataset.for = label.htmlFor;
  label.removeAttribute("for");
  label.addEventListener("click", () => editor.focus());
  textarea.hidden = true;
  field.querySelector("[data-plain-help]")?.setAttribute("hidden", "");
  format.value = "html";
  textarea.value = serialize(editor);

  editor.addEventListener("input", () => {
    textarea.value = serialize(editor);
  });
  editor.addEventListener("paste", (event) => {
    const data = event.clipboardData;
    const html = data?.getData("text/html") || "";
    const text = data?.getData("text/plain") || "";
    if (!html && !text) return; // an image alone: photo-upload.js takes it
    event.preventDefault();
    event.stopPropagation();
    const clean = html ? serialize(fromHtml(html)) : plainToHtml(text);
    document.execCommand("insertHTML", false, clean || escapeText(text));
  });
  textarea.insertAdjacentElement("beforebegin", editor);
  editor.insertAdjacentElement("beforebegin", toolbar(editor));
}

function enhanceAll(root) {
  if (root.matches?.("textarea[data-rich-text]")) enhance(root);
  root.querySelectorAll?.("textarea[data-rich-text]").forEach(enhance);
}

document.execCommand("defaultParagraphSeparator", false, "p");
document.execCommand("styleWithCSS", false, false);
// A module runs once the page is parsed: what is there now, then what htmx brings.
enhanceAll(document);
document.addEventListener("htmx:load", (event) => enhanceAll(event.target));
// Swapped-in content settles (and gets htmx:load) 20 ms or more later: enhance it at
// once, so nobody types into a textarea that is about to become the formatted editor.
document.addEventListener("htmx:afterSwap", () => enhanceAll(document));
