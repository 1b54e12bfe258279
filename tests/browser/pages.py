"""What browser tests do on many pages: log in, and type into the code editor."""

from __future__ import annotations


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def replace_code(page, code: str, *, first_line: str | None = None) -> None:
    """Type into CodeMirror as a person does: select all, delete, then insert the text.

    `first_line` is typed key by key before the rest (the editor auto-indents on
    Enter, so the body goes in as one text insertion).
    """
    editor = page.locator(".tl-editor .cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    if first_line:
        page.keyboard.type(first_line)
        page.keyboard.press("Enter")
    page.keyboard.insert_text(code)
