// Instructor pages: code editors and the mistake list on a draft, and following
// server-rendered fragments (validation report, regrade progress, the dashboard's rows)
// as the server pushes them. No grading here.
(function () {
  "use strict";

  // The page's CSP nonce, given to this script's tag: the editor's <style> needs it.
  const NONCE = (document.currentScript && document.currentScript.nonce) || "";

  function mountEditor(textarea) {
    const api = window.TraceLabEditor;
    if (!api || typeof api.mount !== "function" || textarea.dataset.mounted) {
      return;
    }
    try {
      // The editor writes every change back into the textarea, so the form posts it.
      api.mount(textarea, { nonce: NONCE });
      textarea.dataset.mounted = "true";
    } catch (error) {
      // The plain textarea keeps working if the editor bundle fails.
      console.error("editor failed to start", error);
    }
  }

  function mountEditorsIn(root) {
    root.querySelectorAll("textarea.python-editor").forEach(mountEditor);
  }

  function wireRemove(fieldset) {
    const box = fieldset.querySelector("input[type=checkbox][name$='-DELETE']");
    if (!box) {
      return;
    }
    box.addEventListener("change", function () {
      fieldset.classList.toggle("is-removed", box.checked);
    });
    fieldset.classList.toggle("is-removed", box.checked);
  }

  function wireFileList(section) {
    const prefix = section.dataset.prefix;
    const total = section.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    const template = document.getElementById(prefix + "-empty");
    const list = section.querySelector(".file-forms");
    const add = section.querySelector("button.add-file");
    list.querySelectorAll(".file-fieldset").forEach(wireRemove);
    if (!total || !template || !add) {
      return;
    }
    add.addEventListener("click", function () {
      const index = Number(total.value);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      const holder = document.createElement("div");
      holder.innerHTML = html; // our own server-rendered template, no user data
      const fieldset = holder.querySelector(".file-fieldset");
      const source = fieldset.querySelector("textarea");
      if (source && add.dataset.initial) {
        source.value = add.dataset.initial;
      }
      list.appendChild(fieldset);
      total.value = String(index + 1);
      wireRemove(fieldset);
      mountEditorsIn(fieldset);
      const id = fieldset.querySelector("input.file-id");
      if (id) {
        id.focus();
      }
    });
  }

  // Follows a server-rendered fragment (a validation report, a regrade's progress) as
  // the server pushes it, or polls it where a push stream cannot be opened.
  function follow(box, onDone) {
    let lastHtml = null;
    window.TraceLabLive.follow({
      eventsUrl: box.dataset.eventsUrl,
      pollUrl: box.dataset.url,
      onState: function (data) {
        if (data.html !== lastHtml) {
          box.innerHTML = data.html; // server-rendered and autoescaped
          lastHtml = data.html;
        }
        if (data.done) {
          box.dataset.pending = "false";
          if (onDone) {
            onDone(data);
          }
        }
      },
      onGone: function () {},
    });
  }

  // Quiz questions and options carry $math$, as in the lessons.
  if (typeof window.renderMathInElement === "function") {
    document.querySelectorAll(".quiz-table").forEach(function (table) {
      window.renderMathInElement(table, {
        delimiters: [
          { left: "$$", right: "$$", display: false },
          { left: "$", right: "$", display: false },
        ],
        throwOnError: false,
      });
    });
  }

  const draftForm = document.getElementById("draft-form");
  if (draftForm) {
    mountEditorsIn(draftForm);
    document.querySelectorAll(".file-list[data-prefix]").forEach(wireFileList);
  }

  const validation = document.getElementById("validation");
  if (validation && validation.dataset.pending === "true") {
    follow(validation);
  }

  // The class dashboard: a student's row is replaced when their submissions change state
  // (a "being graded" cell, then passed or failing).
  const matrix = document.getElementById("matrix");
  if (matrix && matrix.dataset.eventsUrl) {
    window.TraceLabLive.follow({
      eventsUrl: matrix.dataset.eventsUrl,
      pollUrl: matrix.dataset.url,
      onState: function (data) {
        Object.keys(data.rows || {}).forEach(function (id) {
          const row = matrix.querySelector('tbody tr[data-student="' + CSS.escape(id) + '"]');
          if (row && row.outerHTML !== data.rows[id]) {
            row.outerHTML = data.rows[id]; // server-rendered and autoescaped
          }
        });
      },
      onGone: function () {},
    });
  }

  const regrade = document.getElementById("regrade");
  if (regrade && regrade.dataset.pending === "true") {
    follow(regrade, function () {
      document.querySelectorAll(".resend-form").forEach(function (form) {
        form.hidden = true;
      });
    });
  }
})();
