"""LTI 1.3 (Advantage): learning platforms such as Canvas and Moodle use TraceLab.

A platform launches TraceLab from a course: the user is signed in (an account per
platform user), the course becomes a cohort, and a link opens the exercise or
assignment an instructor chose for it by deep linking. Scores go back to the
platform's grade book as they change (Assignment and Grade Services), and an
instructor can read the course's roster from the platform (Names and Role
Provisioning Services).

Registering a platform (an operator, in the admin):

1. `manage.py lti_tool_key NAME` makes the tool's key pair.
2. In the admin, add an "lti 1.3 tool" with what the platform gives: issuer, client id,
   its OIDC authorization URL, access token URL, key set URL and the deployment ids
   (a JSON list); choose the tool key from step 1.
3. Give the platform TraceLab's URLs: login (OIDC initiation) /lti/login/, launch
   (redirect URI and target link, also for deep linking) /lti/launch/, and public keys
   /lti/jwks/; switch on deep linking, grades (AGS) and the roster (NRPS).

Launch state lives in the cache, so every web process must share it (TRACELAB_CACHE
is redis under `./tracelab run`). The platform posts the launch from its own site, and
browsers send the launch's state cookie with such a post only when it is SameSite=None,
which needs HTTPS (TRACELAB_HTTPS), as platforms require anyway.
"""
