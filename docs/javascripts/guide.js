/* The guide's page behaviour, on top of Material:
 *  - "Enlarge diagram" buttons (the hook wraps every diagram in a figure with one);
 *  - task lists become a tool: boxes tick, remember their state in this browser,
 *    and the list can be copied as Markdown. */

(function () {
  "use strict";

  /* Material's search overlay is a dialog without a name; screen readers announce it as "Search". */
  var searchDialog = document.querySelector(".md-search[role=dialog]");
  if (searchDialog && !searchDialog.hasAttribute("aria-label")) searchDialog.setAttribute("aria-label", "Search");

  /* ---- Notebook outputs wider than the column scroll: let the keyboard scroll them too ---- */

  function focusableScrollers() {
    document.querySelectorAll(".jp-OutputArea-child").forEach(function (output) {
      if (output.scrollWidth > output.clientWidth + 1) {
        output.setAttribute("tabindex", "0");
        output.setAttribute("role", "region");
        output.setAttribute("aria-label", "Cell output (scrolls sideways)");
      } else if (output.getAttribute("role") === "region") {
        ["tabindex", "role", "aria-label"].forEach(function (name) { output.removeAttribute(name); });
      }
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);

  /* ---- Diagrams: enlarge to full screen, Escape or the button to return ---- */

  function setZoom(figure, zoomed) {
    var button = figure.querySelector(".guide-diagram__zoom");
    figure.classList.toggle("guide-diagram--zoomed", zoomed);
    button.setAttribute("aria-expanded", String(zoomed));
    button.textContent = zoomed ? "Close enlarged diagram" : "Enlarge diagram";
    if (zoomed) button.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".guide-diagram__zoom");
    if (!button) return;
    var figure = button.closest("figure.guide-diagram");
    setZoom(figure, !figure.classList.contains("guide-diagram--zoomed"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("figure.guide-diagram--zoomed");
    if (open) setZoom(open, false);
  });

  /* ---- Checklists ---------------------------------------------------------- */

  var article = document.querySelector("article.md-content__inner");
  var boxes = article ? article.querySelectorAll(".task-list-item input[type=checkbox]") : [];
  if (!boxes.length) return;

  var storageKey = "guide-checklist:" + location.pathname;

  function itemText(item) {
    var clone = item.cloneNode(true);
    clone.querySelectorAll("ul, ol, label").forEach(function (n) { n.remove(); });
    return clone.textContent.replace(/\s+/g, " ").trim();
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey)) || {}; } catch (e) { return {}; }
  }

  function save() {
    var state = {};
    boxes.forEach(function (box) { if (box.checked) state[box.dataset.guideKey] = true; });
    try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* private mode: ticks last until reload */ }
    status.value = count();
  }

  function count() {
    var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    return ticked + " of " + boxes.length + " ticked";
  }

  var state = load();
  boxes.forEach(function (box) {
    var item = box.closest(".task-list-item");
    var text = itemText(item);
    box.dataset.guideKey = text;
    box.disabled = false;
    box.removeAttribute("disabled");
    box.setAttribute("aria-label", text);
    box.checked = !!state[text];
    box.addEventListener("change", save);
  });

  /* Markdown of the page's headings and task items, ticks included. */
  function asMarkdown() {
    var lines = ["# " + document.querySelector("article h1").textContent.replace("¶", "").trim(), ""];
    article.querySelectorAll("h2, h3, .task-list-item").forEach(function (node) {
      if (node.matches("h2, h3")) {
        var level = node.tagName === "H2" ? "## " : "### ";
        lines.push("", level + node.textContent.replace("¶", "").trim(), "");
      } else {
        var box = node.querySelector("input[type=checkbox]");
        var depth = 0;
        for (var p = node.parentElement; p && p !== article; p = p.parentElement) {
          if (p.classList.contains("task-list-item")) depth++;
        }
        lines.push("  ".repeat(depth) + "- [" + (box && box.checked ? "x" : " ") + "] " + itemText(node));
      }
    });
    return lines.join("\n").replace(/\n{3,}/g, "\n\n").trim() + "\n";
  }

  var tools = document.createElement("div");
  tools.className = "guide-checklist-tools";
  tools.innerHTML =
    '<button type="button" data-guide-action="copy">Copy as Markdown</button>' +
    '<button type="button" data-guide-action="clear">Clear ticks</button>' +
    '<output aria-live="polite"></output>';
  var status = tools.querySelector("output");
  status.value = count();
  var heading = article.querySelector("h1");
  heading.parentNode.insertBefore(tools, heading.nextSibling);

  tools.addEventListener("click", function (event) {
    var action = event.target.getAttribute("data-guide-action");
    if (action === "clear") {
      boxes.forEach(function (box) { box.checked = false; });
      save();
    } else if (action === "copy") {
      var markdown = asMarkdown();
      tools.dataset.markdown = markdown;
      navigator.clipboard.writeText(markdown).then(
        function () { status.value = "Copied " + boxes.length + " items as Markdown"; },
        function () { status.value = "Copying was blocked by the browser"; }
      );
    }
  });
})();
