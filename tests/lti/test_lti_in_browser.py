"""Deep linking in Chromium: the platform's auto-posted launch, the picker, and the
answer page that posts itself to the platform under the site's Content-Security-Policy
(its script is a static file; only its form may leave the site, and only for the
platform's origin)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from factories import published_exercise
from lti_platform import INSTRUCTOR, Platform
from lti_support import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.add_init_script(WATCH_VIOLATIONS)
    yield page
    context.close()


def test_an_instructor_deep_links_an_exercise_in_a_browser(page, live_server):
    published_exercise("adamw")
    platform = Platform().start()
    try:
        platform.tool_launch_url = live_server.url + "/lti/launch/"
        platform.tool_jwks_url = live_server.url + "/lti/jwks/"
        register(platform)
        platform.person("t-1", INSTRUCTOR, given_name="Ines", family_name="Ortiz")
        # Across the navigations: the console's reports, and each tool page's events.
        violations: list[str] = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and violations.append(message.text)
            ),
        )

        login = platform.login_params(sub="t-1", deep_link=True)
        page.goto(f"{live_server.url}/lti/login/?{urlencode(login)}")
        page.wait_for_url(f"{live_server.url}/lti/deep-link/**")
        violations += page.evaluate("window.__cspViolations")
        page.get_by_label("Adamw (10 points)").check()
        page.get_by_role("button", name="Add to the course").click()
        # Reaching the platform proves the policy let the answer's form post there.
        page.wait_for_url(platform.deep_link_return_url)

        assert page.locator("body").inner_text().startswith("placed link-")
        assert len(platform.deep_link_answers) == 1
        [placed] = platform.resource_links.values()
        assert placed["custom"] == {"exercise": "adamw"}
        assert violations == []
    finally:
        platform.stop()
