#!/usr/bin/env bash
# TraceLab's container images, built without a registry, and podman run with the settings
# this kind of host needs (deploy/podman/containers.conf).
#
#   tools/containers.sh build [base|standins|app ...]   build what is missing or changed
#                                (all three by default; layer caching makes a rebuild fast)
#   tools/containers.sh env      CONTAINERS_CONF for a shell: `export $(tools/containers.sh env)`
#   tools/containers.sh podman ARGS...           podman with that environment
#   tools/containers.sh compose ARGS...          podman-compose with that environment
#   tools/containers.sh check    exit 0 when podman can run a container here, else say why
#
# What `build` makes (images in podman's own storage; the slow download cached in var/):
#   localhost/debian:bookworm-slim   the base: `debootstrap --variant=minbase bookworm` from
#                                    the Debian mirror apt uses here, trimmed like Debian's
#                                    slim image, imported with `podman import`; its tarball
#                                    is kept in var/containers/ so a rebuild skips debootstrap
#   localhost/postgres:15, localhost/redis:7
#                                    stand-ins for the registry images the compose file names,
#                                    built from the base with Debian's postgresql-15 and
#                                    redis-server (deploy/standins/); an unchanged
#                                    docker-compose.yml resolves them locally
#   localhost/tracelab:latest        the project image, from the real Dockerfile; torch is the
#                                    CPU wheel from the machine's local wheels and index when
#                                    they exist (TRACELAB_WHEELS, TRACELAB_PYPI), else from
#                                    PyTorch's CPU index
#
# Every step prints how long it took. Environment: TRACELAB_DEBIAN_MIRROR and
# TRACELAB_DEBIAN_SECURITY override the mirrors read from `apt-cache policy`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="${TRACELAB_VAR_DIR:-$ROOT/var}"
[[ "$VAR" == /* ]] || VAR="$ROOT/$VAR"
CACHE="$VAR/containers"
ROOTFS_TAR="$CACHE/debian-bookworm-minbase.tar"
BASE_IMAGE="localhost/debian:bookworm-slim"
APP_IMAGE="${TRACELAB_IMAGE:-localhost/tracelab:latest}"
# Local wheels (torch's CPU build) and a local simple index, as this machine's pip uses them.
WHEELS="${TRACELAB_WHEELS:-/opt/wheels}"
PYPI="${TRACELAB_PYPI:-/opt/pypi}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/deploy/podman/containers.conf}"

log() { printf '\033[1m[containers]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# `timed NAME command...`: runs the command and logs how long it took.
timed() {
  local name="$1" started=$SECONDS
  shift
  "$@"
  log "$name: $((SECONDS - started)) s"
}

# The Debian mirror (and security mirror) apt uses on this machine.
apt_mirror() {
  local suite="$1"
  apt-cache policy 2>/dev/null | awk -v s="$suite/main" '$3 == s && $2 ~ /^https?:/ {print $2; exit}'
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}

# Runs as root (debootstrap makes device nodes and root-owned files).
build_rootfs() {
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  local mirror security updates="" rootfs="$CACHE/rootfs.tmp"
  mirror="${TRACELAB_DEBIAN_MIRROR:-$(apt_mirror bookworm)}"
  mirror="${mirror:-http://deb.debian.org/debian}"
  security="${TRACELAB_DEBIAN_SECURITY:-$(apt_mirror bookworm-security)}"
  [ -z "$(apt_mirror bookworm-updates)" ] || updates=" bookworm-updates"
  log "debootstrap --variant=minbase bookworm from $mirror"
  rm -rf "$rootfs"
  mkdir -p "$CACHE"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $CACHE/debootstrap.log"

  # Trimmed as Debian's own slim image is: no documentation, manual pages or
  # translations, now or in any package installed later; no apt caches.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  echo 'APT::Install-Recommends "false";' >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
  rm -f "$rootfs/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: bookworm%s\nComponents: main\n' "$mirror" "$updates"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    if [ -n "$security" ]; then
      printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\n' "$security"
      printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    fi
  } >"$rootfs/etc/apt/sources.list.d/debian.sources"
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale,groff,lintian}/* \
    "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* \
    "$rootfs"/dev/* "$rootfs"/tmp/* "$rootfs"/root/.cache
  # The container engine provides these.
  : >"$rootfs/etc/hostname"
  rm -f "$rootfs/etc/resolv.conf"
  tar --numeric-owner -C "$rootfs" -cf "$ROOTFS_TAR.part" .
  mv "$ROOTFS_TAR.part" "$ROOTFS_TAR"
  rm -rf "$rootfs"
  log "base root filesystem cached: $ROOTFS_TAR ($(du -h "$ROOTFS_TAR" | cut -f1))"
}

build_base() {
  local fresh=0
  if [ ! -s "$ROOTFS_TAR" ]; then
    timed "debootstrap" as_root env TRACELAB_VAR_DIR="$VAR" \
      TRACELAB_DEBIAN_MIRROR="${TRACELAB_DEBIAN_MIRROR:-}" \
      TRACELAB_DEBIAN_SECURITY="${TRACELAB_DEBIAN_SECURITY:-}" \
      "$ROOT/tools/containers.sh" rootfs
    fresh=1
  fi
  if [ "$fresh" -eq 1 ] || ! podman image exists "$BASE_IMAGE"; then
    podman import -q \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' \
      "$ROOTFS_TAR" "$BASE_IMAGE" >/dev/null
    log "imported $BASE_IMAGE"
  fi
}

# `build_logged NAME podman-build-arguments...`: the build's output goes to
# var/containers/build-NAME.log, whose end is shown when it fails.
build_logged() {
  local name="$1" log="$CACHE/build-$1.log"
  shift
  mkdir -p "$CACHE"
  if ! podman build "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "building $name failed; the whole output is in $log"
  fi
}

build_standins() {
  local name
  for name in postgres:15 redis:7; do
    timed "stand-in ${name}" build_logged "${name%%:*}" --network host --layers \
      -t "localhost/$name" "$ROOT/deploy/standins/${name%%:*}"
  done
}

build_app() {
  local args=(--network host --layers -t "$APP_IMAGE")
  if compgen -G "$WHEELS/torch-*.whl" >/dev/null && [ -d "$PYPI/simple" ]; then
    # torch and its dependencies only from the machine's own wheels and index: the CPU
    # wheel is the only torch they hold, so the CUDA build can never be picked.
    args+=(-v "$WHEELS:$WHEELS:ro" -v "$PYPI:$PYPI:ro"
      --build-arg "TORCH_INDEX_URL=file://$PYPI/simple" --build-arg "WHEELS=$WHEELS")
    log "project image: torch from $WHEELS and file://$PYPI/simple"
  fi
  # pip reaches PyPI the way this machine does: trusting what the host's certificate
  # bundle trusts (a TLS-inspecting proxy's CA, say). The bundle is mounted beside the
  # image's own, for the build only, and is not part of the image.
  if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
    args+=(-v /etc/ssl/certs/ca-certificates.crt:/run/host-ca-certificates.crt:ro
      --build-arg PIP_CERT=/run/host-ca-certificates.crt)
  fi
  timed "project image" build_logged tracelab "${args[@]}" -f "$ROOT/Dockerfile" "$ROOT"
  local torch
  torch="$(podman run --rm --network none "$APP_IMAGE" \
    python -c 'import importlib.metadata as m; print(m.version("torch"))')"
  log "project image: $APP_IMAGE, torch $torch"
}

cmd_build() {
  local what=("$@") started=$SECONDS step
  [ ${#what[@]} -gt 0 ] || what=(base standins app)
  for step in "${what[@]}"; do
    case "$step" in
      base) build_base ;;
      standins) build_base; build_standins ;;
      app) build_base; build_app ;;
      *) die "unknown image '$step' (base, standins, app)" ;;
    esac
  done
  # What rebuilds left behind untagged (never the layers the current images are made of).
  podman image prune -f --filter "label=org.opencontainers.image.vendor=TraceLab" >/dev/null 2>&1 || true
  log "build: $((SECONDS - started)) s"
}

cmd_check() {
  command -v podman >/dev/null || die "podman is not installed (apt-get install podman podman-compose runc)"
  command -v podman-compose >/dev/null || die "podman-compose is not installed"
  local out
  out="$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1)" || die "podman cannot run here: $out"
}

case "${1:-}" in
  build) shift; cmd_build "$@" ;;
  env) echo "CONTAINERS_CONF=$CONTAINERS_CONF" ;;
  podman) shift; exec podman "$@" ;;
  compose) shift; exec podman-compose "$@" ;;
  check) cmd_check ;;
  rootfs) build_rootfs ;;  # build's first step, run as root
  *) echo "usage: tools/containers.sh build [base|standins|app ...] | env | podman ARGS | compose ARGS | check" >&2; exit 2 ;;
esac
