// Exercise page: mounts the editor, keeps the draft in localStorage, typesets math,
// sends code to the API and shows the server-rendered result fragment while it is
// graded, as the server pushes it (live/follow.js). No grading logic here.
(function () {
  "use strict";

  const SAVE_DELAY_MS = 400;

  // The page's CSP nonce, given to this script's tag: the editor's <style> needs it.
  const NONCE = (document.currentScript && document.currentScript.nonce) || "";

  const page = document.getElementById("exercise");
  if (!page) {
    return;
  }
  const textarea = document.getElementById("code");
  const resultBox = document.getElementById("result");
  const buttons = [document.getElementById("submit-btn"), document.getElementById("run-btn")];
  const submitUrl = page.dataset.submitUrl;
  const draftKey = page.dataset.draftKey;
  const draftStatus = document.getElementById("draft-status");
  const resetButton = document.getElementById("reset-btn");
  const starterScript = document.getElementById("starter-code");
  const starter = starterScript ? JSON.parse(starterScript.textContent) : null;

  let editor = null;
  let busy = false;
  let lastHtml = null;
  let saveTimer = null;

  // -- the draft: kept per exercise and version, in this browser only -----------------

  function readDraft() {
    try {
      const raw = window.localStorage.getItem(draftKey);
      const draft = raw ? JSON.parse(raw) : null;
      return draft && typeof draft.code === "string" ? draft : null;
    } catch (error) {
      return null; // storage disabled or a damaged entry: start from the server's code
    }
  }

  function writeDraft(code) {
    try {
      window.localStorage.setItem(draftKey, JSON.stringify({ code: code, savedAt: Date.now() }));
      return true;
    } catch (error) {
      return false;
    }
  }

  function say(text) {
    if (draftStatus) {
      draftStatus.textContent = text;
    }
  }

  function scheduleSave() {
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(function () {
      saveTimer = null;
      if (writeDraft(currentCode())) {
        say("Draft saved in this browser.");
      }
    }, SAVE_DELAY_MS);
  }

  function restoreDraft() {
    const draft = readDraft();
    if (!draft || draft.code === textarea.value) {
      return;
    }
    // A submission made later (say, from another computer) wins over an older draft.
    const latestAt = Date.parse(page.dataset.latestAt || "") || 0;
    if ((draft.savedAt || 0) < latestAt) {
      return;
    }
    textarea.value = draft.code;
    say("Restored your unsent draft from " + new Date(draft.savedAt).toLocaleString() + ".");
  }

  function resetToStarter() {
    if (starter === null) {
      return;
    }
    if (editor) {
      editor.setValue(starter);
      editor.focus();
    } else {
      textarea.value = starter;
      textarea.focus();
    }
    writeDraft(starter);
    say("Reset to the starter code. Ctrl+Z in the editor brings your code back.");
  }

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
        nonce: NONCE,
        onSubmit: function () {
          send("submit");
        },
        onChange: function (text) {
          textarea.value = text;
          scheduleSave();
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
    writeDraft(currentCode());
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
    follow(data);
  }

  function follow(data) {
    window.TraceLabLive.follow({
      eventsUrl: data.events_url,
      pollUrl: data.fragment_url,
      onState: show,
      onGone: function () {
        showStatus("This submission can no longer be followed. Reload the page.", "error");
        setBusy(false);
      },
    });
  }

  function show(data) {
    // Only replace on change so screen readers announce each state once.
    if (data.html !== lastHtml) {
      resultBox.innerHTML = data.html; // server-rendered and autoescaped
      lastHtml = data.html;
    }
    if (data.done) {
      const history = document.getElementById("history-body");
      if (history && data.history_html) {
        history.innerHTML = data.history_html; // server-rendered and autoescaped
      }
      setBusy(false);
    }
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
  textarea.addEventListener("input", scheduleSave);
  // Leaving the page within the save delay must not lose the last keystrokes.
  window.addEventListener("pagehide", function () {
    if (saveTimer !== null) {
      window.clearTimeout(saveTimer);
      writeDraft(currentCode());
    }
  });
  if (resetButton) {
    resetButton.addEventListener("click", resetToStarter);
  }

  typesetMath();
  restoreDraft();
  editor = mountEditor();
})();
