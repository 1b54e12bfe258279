// Exercise page: mounts the editor, typesets math, sends code to the API and shows
// the server-rendered result fragment while it is graded. No grading logic here.
(function () {
  "use strict";

  const POLL_INTERVAL_MS = 400;

  const page = document.getElementById("exercise");
  if (!page) {
    return;
  }
  const textarea = document.getElementById("code");
  const resultBox = document.getElementById("result");
  const buttons = [document.getElementById("submit-btn"), document.getElementById("run-btn")];
  const submitUrl = page.dataset.submitUrl;

  let editor = null;
  let busy = false;
  let lastHtml = null;

  function typesetMath() {
    const prompt = document.getElementById("prompt");
    if (!prompt || typeof window.renderMathInElement !== "function") {
      return;
    }
    window.renderMathInElement(prompt, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
      ],
      throwOnError: false,
    });
  }

  function mountEditor() {
    const api = window.TraceLabEditor;
    if (!api || typeof api.mount !== "function") {
      return null;
    }
    try {
      return api.mount(textarea, {
        onSubmit: function () {
          send("submit");
        },
        onChange: function (text) {
          textarea.value = text;
        },
      });
    } catch (error) {
      // The plain textarea keeps working if the editor bundle fails.
      console.error("editor failed to start", error);
      return null;
    }
  }

  function currentCode() {
    return editor ? editor.getValue() : textarea.value;
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setBusy(value) {
    busy = value;
    resultBox.setAttribute("aria-busy", value ? "true" : "false");
    buttons.forEach(function (button) {
      if (button) {
        button.disabled = value;
      }
    });
  }

  function showStatus(text, kind) {
    const paragraph = document.createElement("p");
    paragraph.className = "result-status result-" + kind;
    paragraph.textContent = text;
    resultBox.replaceChildren(paragraph);
    lastHtml = null;
  }

  async function send(mode) {
    if (busy) {
      return;
    }
    setBusy(true);
    showStatus(mode === "run" ? "Sending your code…" : "Sending your submission…", "pending");

    let response;
    try {
      response = await fetch(submitUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({ code: currentCode(), mode: mode }),
      });
    } catch (error) {
      showStatus("Could not reach the server. Check your connection and try again.", "error");
      setBusy(false);
      return;
    }

    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (response.status !== 202) {
      showStatus(data.error || "The server refused the submission (HTTP " + response.status + ").", "error");
      setBusy(false);
      return;
    }
    poll(data.fragment_url);
  }

  async function poll(url) {
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (response.status >= 400 && response.status < 500) {
        showStatus("This submission can no longer be followed. Reload the page.", "error");
        setBusy(false);
        return;
      }
      if (response.ok) {
        const data = await response.json();
        // Only replace on change so screen readers announce each state once.
        if (data.html !== lastHtml) {
          resultBox.innerHTML = data.html; // server-rendered and autoescaped
          lastHtml = data.html;
        }
        if (data.done) {
          setBusy(false);
          return;
        }
      }
    } catch (error) {
      // A dropped poll is retried below.
    }
    window.setTimeout(function () {
      poll(url);
    }, POLL_INTERVAL_MS);
  }

  buttons.forEach(function (button) {
    if (button) {
      button.addEventListener("click", function () {
        send(button.dataset.mode);
      });
    }
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send("submit");
    }
  });

  typesetMath();
  editor = mountEditor();
})();
