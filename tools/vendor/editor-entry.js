// Entry point for static/vendor/codemirror/tracelab-editor.js.
// Built by tools/vendor/build.sh into one self-contained IIFE that
// exposes window.TraceLabEditor.
//
//   const ed = TraceLabEditor.mount(textarea, {
//     onChange(text) { ... },   // optional, called after every edit
//     onSubmit() { ... },       // optional, Ctrl-Enter / Cmd-Enter
//     nonce: "...",             // optional, the page's CSP nonce for the
//                               // editor's <style> element
//   });
//   ed.getValue(); ed.setValue("x = 1\n"); ed.focus(); ed.view;

import { EditorState, Prec } from "@codemirror/state";
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
} from "@codemirror/view";
import {
  defaultKeymap,
  history,
  historyKeymap,
  indentWithTab,
} from "@codemirror/commands";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { python } from "@codemirror/lang-python";

const lightTheme = EditorView.theme(
  {
    "&": {
      color: "#1f2328",
      backgroundColor: "#ffffff",
      border: "1px solid #c9ced6",
      borderRadius: "4px",
      fontSize: "14px",
    },
    "&.cm-focused": {
      outline: "2px solid #2f6feb",
      outlineOffset: "-1px",
    },
    ".cm-scroller": {
      fontFamily:
        'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace',
      lineHeight: "1.5",
      minHeight: "12em",
    },
    ".cm-content": {
      caretColor: "#1f2328",
      padding: "6px 0",
    },
    ".cm-cursor, .cm-dropCursor": { borderLeftColor: "#1f2328" },
    "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
      { backgroundColor: "#c8dcf8" },
    ".cm-activeLine": { backgroundColor: "#f3f6fa" },
    ".cm-gutters": {
      backgroundColor: "#f6f8fa",
      color: "#6e7781",
      borderRight: "1px solid #d8dee4",
    },
    ".cm-activeLineGutter": { backgroundColor: "#e7ecf2", color: "#1f2328" },
    ".cm-lineNumbers .cm-gutterElement": { padding: "0 8px 0 10px" },
    "&.cm-focused .cm-matchingBracket": {
      backgroundColor: "#d6f0d6",
      outline: "1px solid #8ac68a",
    },
    "&.cm-focused .cm-nonmatchingBracket": { backgroundColor: "#f8d0d0" },
    ".cm-selectionMatch": { backgroundColor: "#eef3d2" },
  },
  { dark: false },
);

function labelFor(textarea) {
  const own = textarea.getAttribute("aria-label");
  if (own) return own;
  if (textarea.labels && textarea.labels.length) {
    const text = textarea.labels[0].textContent.trim();
    if (text) return text;
  }
  return "Code editor";
}

function mount(textarea, options) {
  if (!textarea || textarea.tagName !== "TEXTAREA") {
    throw new TypeError("TraceLabEditor.mount expects a <textarea> element");
  }
  const opts = options || {};

  const submit = () => {
    if (typeof opts.onSubmit !== "function") return false;
    opts.onSubmit();
    return true;
  };

  const syncBack = EditorView.updateListener.of((update) => {
    if (!update.docChanged) return;
    const text = update.state.doc.toString();
    textarea.value = text;
    if (typeof opts.onChange === "function") opts.onChange(text);
  });

  const readOnly = !!(opts.readOnly || textarea.readOnly || textarea.disabled);

  const state = EditorState.create({
    doc: textarea.value,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      syntaxHighlighting(defaultHighlightStyle),
      bracketMatching(),
      closeBrackets(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      EditorState.tabSize.of(4),
      indentUnit.of("    "),
      python(),
      Prec.highest(
        keymap.of([
          { key: "Mod-Enter", run: submit },
          { key: "Ctrl-Enter", run: submit },
        ]),
      ),
      keymap.of([
        ...closeBracketsKeymap,
        ...defaultKeymap,
        ...searchKeymap,
        ...historyKeymap,
        indentWithTab,
      ]),
      EditorState.readOnly.of(readOnly),
      EditorView.editable.of(!readOnly),
      EditorView.editorAttributes.of({ class: "tl-editor" }),
      EditorView.contentAttributes.of({
        "aria-label": labelFor(textarea),
        "aria-multiline": "true",
        spellcheck: "false",
        autocorrect: "off",
        autocapitalize: "off",
      }),
      lightTheme,
      syncBack,
      // Under a Content-Security-Policy without 'unsafe-inline' for styles the
      // editor's own <style> element needs the page's nonce.
      ...(opts.nonce ? [EditorView.cspNonce.of(String(opts.nonce))] : []),
    ],
  });

  const view = new EditorView({ state });
  textarea.style.display = "none";
  textarea.insertAdjacentElement("afterend", view.dom);

  return {
    getValue() {
      return view.state.doc.toString();
    },
    setValue(text) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: String(text) },
      });
    },
    focus() {
      view.focus();
    },
    view,
  };
}

export { mount };
