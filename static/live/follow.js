// Following something that changes on the server (a submission being graded, a draft
// being validated, a regrade): pushed over a server-sent event stream, or, where a
// stream cannot be opened, polled with a growing pause. Either way each state is the
// server-rendered JSON of the page's polling endpoint ({html, done, ...}).
(function () {
  "use strict";

  const FIRST_POLL_MS = 400;
  const MAX_POLL_MS = 5000;
  const MAX_ERROR_PAUSE_MS = 10000;
  // A stream that worked and broke is reopened by the browser (and catches up from the
  // state it sends first); after this many breaks in a row the page polls instead.
  const MAX_STREAM_BREAKS = 3;

  // options: eventsUrl, pollUrl, onState(data), onGone(status) (the server no longer
  // answers for it: logged out, or it is gone). Returns {stop()}.
  function follow(options) {
    let stopped = false;
    let source = null;
    let timer = null;

    function stop() {
      stopped = true;
      if (source) {
        source.close();
        source = null;
      }
      window.clearTimeout(timer);
    }

    function deliver(data) {
      if (stopped) {
        return;
      }
      if (data.gone) {
        stop();
        options.onGone(data.status || 404);
        return;
      }
      options.onState(data);
      if (data.done) {
        stop();
      }
    }

    function poll(pause) {
      timer = window.setTimeout(async function () {
        let next = pause === 0 ? FIRST_POLL_MS : Math.min(pause * 1.5, MAX_POLL_MS);
        const backOff = Math.min(Math.max(pause, FIRST_POLL_MS) * 2, MAX_ERROR_PAUSE_MS);
        try {
          const response = await fetch(options.pollUrl, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
            cache: "no-store",
          });
          if (response.status >= 400 && response.status < 500) {
            deliver({ gone: true, status: response.status });
            return;
          }
          if (response.ok) {
            const data = await response.json();
            deliver(data);
            // The server knows when a queued submission's turn is expected.
            const hint = Number(data.poll_after_ms);
            if (hint > 0) {
              next = Math.min(hint, MAX_POLL_MS);
            }
          } else {
            next = backOff;
          }
        } catch (error) {
          next = backOff; // offline, or the server restarting
        }
        if (!stopped) {
          poll(next);
        }
      }, pause);
    }

    function listen() {
      let received = false;
      let breaks = 0;
      source = new EventSource(options.eventsUrl);
      source.addEventListener("update", function (event) {
        received = true;
        breaks = 0;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        deliver(data);
      });
      source.addEventListener("error", function () {
        if (stopped || !source) {
          return;
        }
        breaks += 1;
        // Refused (not 200), blocked, or never opened: poll instead. Otherwise the
        // browser reopens it by itself.
        if (!received || source.readyState === EventSource.CLOSED || breaks > MAX_STREAM_BREAKS) {
          source.close();
          source = null;
          poll(0);
        }
      });
    }

    if (options.eventsUrl && typeof window.EventSource === "function") {
      listen();
    } else {
      poll(0);
    }
    return { stop: stop };
  }

  window.TraceLabLive = { follow: follow };
})();
