/* Reader-facing behaviour of the book's site (loaded on every page by Jupyter
 * Book, after the theme's and the extensions' own scripts).
 *
 * 1. Wide tables scroll inside their own frame: the frame is marked, gets a
 *    visible cue ("Schuif opzij ...") and a keyboard tab stop, and shadows
 *    show on the side where columns are hidden.
 * 2. Dutch for the strings that sphinx-copybutton and sphinx-togglebutton
 *    write from JavaScript (they have no Dutch of their own).
 * 3. Search snippets come from the prose of the page: the article only, code
 *    cells and outputs of code left out (Sphinx takes them from the whole main
 *    area, article header buttons and code included).
 */
"use strict";

(() => {
  const ready = (callback) => {
    if (document.readyState !== "loading") callback();
    else document.addEventListener("DOMContentLoaded", callback);
  };

  /* ---- 1. Wide tables ------------------------------------------------- */
  const FRAMES = ".vives-tabel-wrapper, .pst-scrollable-table-container";
  const CUE_TEXT = "Deze tabel is breder dan het scherm: schuif opzij voor de andere kolommen.";

  const captionOf = (frame) => {
    const figure = frame.closest("figure");
    const caption = figure && figure.querySelector("figcaption");
    const own = frame.querySelector("caption");
    const text = (caption || own || {}).textContent || "";
    return text.replace(/\s+/g, " ").trim() || "Tabel";
  };

  const updateShadows = (frame) => {
    const max = frame.scrollWidth - frame.clientWidth;
    frame.classList.toggle("vives-scroll-links", frame.scrollLeft > 1);
    frame.classList.toggle("vives-scroll-rechts", frame.scrollLeft < max - 1);
  };

  const markFrame = (frame) => {
    const wide = frame.scrollWidth > frame.clientWidth + 1;
    frame.classList.toggle("vives-scrollbaar", wide);
    let cue = frame.previousElementSibling;
    if (!(cue && cue.classList.contains("vives-scroll-cue"))) cue = null;
    if (wide) {
      if (!cue) {
        cue = document.createElement("p");
        cue.className = "vives-scroll-cue";
        cue.textContent = CUE_TEXT;
        frame.parentNode.insertBefore(cue, frame);
      }
      cue.hidden = false;
      frame.tabIndex = 0;
      frame.setAttribute("role", "region");
      frame.setAttribute("aria-label", `${captionOf(frame)} (schuift opzij)`);
    } else {
      if (cue) cue.hidden = true;
      frame.removeAttribute("role");
      frame.removeAttribute("aria-label");
      frame.removeAttribute("tabindex");
    }
    updateShadows(frame);
  };

  const markAllFrames = () => document.querySelectorAll(FRAMES).forEach(markFrame);

  ready(() => {
    markAllFrames();
    document.querySelectorAll(FRAMES).forEach((frame) =>
      frame.addEventListener("scroll", () => updateShadows(frame), { passive: true }),
    );
    let timer = null;
    window.addEventListener("resize", () => {
      clearTimeout(timer);
      timer = setTimeout(markAllFrames, 150);
    });
    // Solutions and hidden outputs that open later may hold tables too.
    document.addEventListener("toggle", markAllFrames, true);
    document.addEventListener("click", () => setTimeout(markAllFrames, 50));
  });

  /* ---- 2. Dutch for script-made strings -------------------------------- */
  // sphinx-copybutton keeps its strings in a global `messages` (English
  // fallback for "nl"); its buttons are made on DOMContentLoaded, after this.
  if (typeof messages !== "undefined" && messages.en) {
    Object.assign(messages.en, {
      copy: "Kopieer",
      copy_to_clipboard: "Kopieer naar het klembord",
      copy_success: "Gekopieerd",
      copy_failure: "Kopiëren mislukt",
    });
  }

  // sphinx-togglebutton names every button "Toggle hidden content"; give it
  // the hint it shows ("Toon de oplossing" / "Verberg de oplossing").
  const nameToggle = (button) => {
    const hint = button.dataset.toggleHint;
    if (hint) button.setAttribute("aria-label", hint);
  };
  ready(() => {
    document.querySelectorAll("button.toggle-button").forEach((button) => {
      nameToggle(button);
      new MutationObserver(() => nameToggle(button)).observe(button, {
        attributes: true,
        attributeFilter: ["data-toggle-hint"],
      });
    });
  });

  /* ---- 3. Search snippets from the prose -------------------------------- */
  const NOT_PROSE = [
    ".headerlink",
    "script",
    "style",
    ".cell_input",
    ".cell_output",
    "div.highlight",
    "pre",
    ".vives-tabel-download",
    ".vives-nummering",
  ].join(",");

  // The snippet starts near the first whole-word match ("BIN", not "binnen").
  const wholeWordSummary = (htmlText, keywords, anchor) => {
    const text = Search.htmlToText(htmlText, anchor);
    if (text === "") return null;
    const lower = text.toLowerCase();
    const positions = [...keywords].map((keyword) => {
      const word = keyword.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const whole = new RegExp(`(^|[^\\p{L}\\p{N}_])${word}($|[^\\p{L}\\p{N}_])`, "u").exec(lower);
      if (whole) return whole.index + whole[1].length;
      return lower.indexOf(keyword.toLowerCase());
    }).filter((i) => i > -1);
    const start = Math.max((positions.length ? Math.min(...positions) : 0) - 120, 0);
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = (start > 0 ? "..." : "") + text.substr(start, 240).trim()
      + (start + 240 < text.length ? "..." : "");
    return summary;
  };

  ready(() => {
    if (typeof Search === "undefined" || !Search.htmlToText) return;
    Search.makeSearchSummary = wholeWordSummary;
    Search.htmlToText = (htmlString, anchor) => {
      const page = new DOMParser().parseFromString(htmlString, "text/html");
      page.querySelectorAll(NOT_PROSE).forEach((element) => element.remove());
      const article = page.querySelector("article.bd-article") || page.querySelector('[role="main"]');
      if (!article) return "";
      if (anchor) {
        let part = null;
        try {
          part = article.querySelector(anchor);
        } catch (error) {
          part = null; // an id that is no valid selector: use the whole article
        }
        if (part) return part.textContent.replace(/\s+/g, " ");
      }
      return article.textContent.replace(/\s+/g, " ");
    };
  });
})();
