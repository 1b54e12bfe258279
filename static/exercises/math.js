// Typesets $...$ and $$...$$ in every element marked data-math, once KaTeX has loaded.
// The math arrives as escaped text from the server; KaTeX only reads it.
(function () {
  "use strict";

  function typeset() {
    if (typeof window.renderMathInElement !== "function") {
      return;
    }
    document.querySelectorAll("[data-math]").forEach(function (element) {
      window.renderMathInElement(element, {
        delimiters: [
          { left: "$$", right: "$$", display: true },
          { left: "$", right: "$", display: false },
        ],
        throwOnError: false,
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", typeset);
  } else {
    typeset();
  }
})();
