#!/bin/sh
# As the official redis image: options alone run redis-server with them, and the server
# runs as `redis`. Its build turns protected mode off; here it is an option.
set -eu
if [ "${1#-}" != "${1:-}" ]; then
  set -- redis-server "$@"
fi
if [ "${1:-}" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
  if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
