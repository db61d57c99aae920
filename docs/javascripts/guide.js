/* The guide's page behaviour, on top of Material:
 *  - mermaid (3 MB) is fetched from this site only when a diagram comes near
 *    the screen, so a page whose diagrams are never scrolled to stays light;
 *  - "Enlarge diagram" buttons (the hook wraps every diagram in a figure with one);
 *  - task lists become a tool: boxes tick, remember their state in this browser,
 *    and the list can be copied as Markdown.
 * Material's instant navigation swaps the page without reloading this script:
 * per-page set-up runs on each `document$` emission; listeners on `document`
 * and `window` are added once. */

(function () {
  "use strict";

  /* ---- Diagrams: mermaid on demand ------------------------------------------
   * Material draws each `pre.mermaid` with the global `mermaid`, and fetches it
   * from a CDN when there is none. This stand-in takes its place: Material's
   * `render` calls wait until a diagram is near the viewport, then the real
   * library is loaded from the site itself and draws them. */

  var mermaidUrl = new URL("../assets/javascripts/mermaid.min.js", document.currentScript.src).href;
  var diagramsWanted = false;
  var wantDiagrams;
  var diagramsNear = new Promise(function (resolve) { wantDiagrams = resolve; });
  var mermaidConfig = {};
  var library = null;

  var lazyMermaid = {
    initialize: function (config) { mermaidConfig = config || {}; },
    render: function (id, source) {
      return loadMermaid().then(function (mermaid) { return mermaid.render(id, source); });
    }
  };
  window.mermaid = lazyMermaid;

  function loadMermaid() {
    if (!library) {
      library = diagramsNear.then(function () {
        return new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = mermaidUrl;
          script.onload = function () {
            var mermaid = window.mermaid;
            window.mermaid = lazyMermaid;  // Material keeps calling the stand-in on later pages
            mermaid.initialize(Object.assign({}, mermaidConfig, { startOnLoad: false }));
            resolve(mermaid);
          };
          script.onerror = function () { reject(new Error("could not load " + mermaidUrl)); };
          document.head.appendChild(script);
        });
      });
    }
    return library;
  }

  var diagramObserver = null;

  function watchDiagrams() {
    if (diagramObserver) diagramObserver.disconnect();
    var figures = document.querySelectorAll("figure.guide-diagram");
    if (diagramsWanted || !figures.length) return;
    diagramObserver = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      diagramObserver.disconnect();
      diagramsWanted = true;
      wantDiagrams();
    }, { rootMargin: "50% 0px" });
    figures.forEach(function (figure) { diagramObserver.observe(figure); });
  }

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
  window.addEventListener("resize", focusableScrollers);

  /* ---- Checklists ---------------------------------------------------------- */

  function itemText(item) {
    var clone = item.cloneNode(true);
    clone.querySelectorAll("ul, ol, label").forEach(function (n) { n.remove(); });
    return clone.textContent.replace(/\s+/g, " ").trim();
  }

  function setUpChecklist() {
    var article = document.querySelector("article.md-content__inner");
    var boxes = article ? article.querySelectorAll(".task-list-item input[type=checkbox]") : [];
    if (!boxes.length || article.querySelector(".guide-checklist-tools")) return;

    var storageKey = "guide-checklist:" + location.pathname;

    function load() {
      try { return JSON.parse(localStorage.getItem(storageKey)) || {}; } catch (e) { return {}; }
    }

    function count() {
      var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
      return ticked + " of " + boxes.length + " ticked";
    }

    function save() {
      var state = {};
      boxes.forEach(function (box) { if (box.checked) state[box.dataset.guideKey] = true; });
      try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* private mode: ticks last until reload */ }
      status.value = count();
    }

    /* Markdown of the page's headings and task items, ticks included. */
    function asMarkdown() {
      var lines = ["# " + article.querySelector("h1").textContent.replace("¶", "").trim(), ""];
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

    var state = load();
    boxes.forEach(function (box) {
      var text = itemText(box.closest(".task-list-item"));
      box.dataset.guideKey = text;
      box.disabled = false;
      box.removeAttribute("disabled");
      box.setAttribute("aria-label", text);
      box.checked = !!state[text];
      box.addEventListener("change", save);
    });

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
  }

  /* ---- Every page, first load and each instant navigation ------------------- */

  function setUpPage() {
    /* Material's search overlay is a dialog without a name; screen readers announce it as "Search". */
    var searchDialog = document.querySelector(".md-search[role=dialog]");
    if (searchDialog && !searchDialog.hasAttribute("aria-label")) searchDialog.setAttribute("aria-label", "Search");
    watchDiagrams();
    focusableScrollers();
    setUpChecklist();
  }

  if (window.document$) {
    window.document$.subscribe(setUpPage);
  } else {
    setUpPage();
  }
})();
