#!/usr/bin/env bash
# The project's set-up, behind `make demo` and `make test` (and CI's .ci/run).
#
#   scripts/setup.sh demo   set up, create the demo database once, serve it on
#                           http://localhost:8069 (Ctrl-C stops it)
#   scripts/setup.sh test   set up, then run the README's test command:
#                           python -m pytest tests -v  (static checks + Odoo suite)
#   scripts/setup.sh env    set up only, and print the ODOO_BIN to export (for the
#                           harness or bench/ by hand)
#
# The set-up, each step only when something is missing (a second run takes seconds):
#   1. Debian packages: PostgreSQL, wkhtmltopdf, the fonts the reports name,
#      poppler-utils, chromium, git, the build dependencies (apt-get, as root or
#      through sudo);
#   2. PostgreSQL: starts the local cluster, creates a superuser role for this OS
#      user (Odoo connects as you through the Unix socket);
#   3. Odoo 18: an Odoo you already have (ODOO_BIN, `odoo` on PATH, or importable
#      by python3) is used as it is; otherwise one is installed from source into
#      the git-ignored virtualenv .venv-odoo: the source is ODOO_SRC, else the
#      one .venv-odoo was made from, else the cached clone
#      ~/.cache/rkt_planning/odoo-18.0, else a new shallow clone of Odoo's 18.0
#      branch there. Odoo's requirements.txt is installed with the pins of
#      requirements-odoo-overrides.txt replaced, then Odoo (editable),
#      websocket-client (browser tests) and the addon's Python dependencies.
#
# Environment (all optional): ODOO_SRC, ODOO_BIN, PYTHON (default python3),
# RKT_CACHE_DIR, ODOO_GIT_URL, RKT_DEMO_DB (default rkt_demo), RKT_HTTP_PORT
# (default 8069), RKT_HTTP_INTERFACE (default 127.0.0.1), PG* (libpq), and the
# harness' variables (README, "Environment variables").
#
# Exit codes: 2 when the set-up cannot go on (the message says what to provide);
# `test` exits with pytest's code, and 1 instead of pytest's 5 (no tests collected).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd)
START_SECONDS=$SECONDS

MODE=${1:-}
case $MODE in
    demo | test | env) ;;
    -h | --help | help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "usage: $0 demo|test|env   (see $0 --help)" >&2
        exit 2
        ;;
esac

PYTHON=${PYTHON:-python3}
ADDON=rkt_planning
ODOO_SERIES=18.0
ODOO_VENV=$REPO_ROOT/.venv-odoo
HARNESS_VENV=$REPO_ROOT/.venv
STATE_DIR=$REPO_ROOT/.odoo-local
OVERRIDES=$REPO_ROOT/requirements-odoo-overrides.txt
# pins of what the addon's Python dependencies (pyHanko) pull in, Odoo not pinning it
ADDON_CONSTRAINTS=$REPO_ROOT/requirements-addon-constraints.txt
CACHE_DIR=${RKT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rkt_planning}
CLONE_DIR=$CACHE_DIR/odoo-$ODOO_SERIES
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
DEMO_DB=${RKT_DEMO_DB:-rkt_demo}
HTTP_PORT=${RKT_HTTP_PORT:-8069}
HTTP_INTERFACE=${RKT_HTTP_INTERFACE:-127.0.0.1}
# Not in Odoo's requirements: without it Odoo skips every browser test.
WEBSOCKET_CLIENT="websocket-client==1.9.2"
# Not pinned by Odoo either: gevent (Odoo's live bus in multi-worker mode, the
# `odoo gevent` process) loads its plugins through pkg_resources, which setuptools
# 82 and later no longer ship, and which before 77 cannot find zope.interface /
# zope.event as their current releases name their metadata: the gevent process
# dies at start ("DistributionNotFound: zope.interface") and the inbox and
# activity counters no longer update live. A new venv gets setuptools 65. From
# 80.9 on, importing pkg_resources (babel's term extraction does) warns with a
# UserWarning that Odoo logs: 78.1 warns with a DeprecationWarning only.
VENV_SETUPTOOLS="setuptools==78.1.1"
# Bump when the way .venv-odoo is made changes: the next run redoes the pip steps.
VENV_RECIPE=3

# Debian 12 packages (one apt-get for all that are missing).
DEB_PACKAGES=(
    postgresql                 # the database
    wkhtmltopdf                # PDF reports (Debian's 0.12.6)
    fontconfig                 # how wkhtmltopdf finds fonts
    fonts-liberation           # "Liberation Sans", the font the reports name first
    fonts-dejavu-core          # "DejaVu Sans", the reports' last named fallback
    poppler-utils              # pdftotext, pdfsig: the report and TTE tests read the PDFs
    chromium                   # headless browser of the tour tests
    git ca-certificates        # clone of Odoo; whool packs the git-tracked files
    make                       # `make demo` / `make test`
    python3-venv python3-dev build-essential  # virtualenvs, compiled requirements
    libpq-dev                  # psycopg2
    libldap2-dev libsasl2-dev  # python-ldap
)

say() { printf '[setup] %s\n' "$*"; }
step() { printf '[setup] == %s\n' "$*"; }
die() {
    printf '[setup] STOPPED: %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do printf '[setup]   %s\n' "$line" >&2; done
    exit 2
}
am_root() { [ "$(id -u)" = 0 ]; }

# ------------------------------------------------------------ 1. Debian packages

missing_packages() {
    local pkg
    for pkg in "${DEB_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || echo "$pkg"
    done
}

package_list() { printf '%s ' "${DEB_PACKAGES[@]}"; }

ensure_packages() {
    step "1/3 Debian packages"
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        say "not a Debian system: make sure these (or your system's equivalents) are installed:"
        say "  $(package_list)"
        return 0
    fi
    local missing
    mapfile -t missing < <(missing_packages)
    if [ ${#missing[@]} -eq 0 ]; then
        say "all ${#DEB_PACKAGES[@]} packages are installed"
        return 0
    fi
    say "missing: ${missing[*]}"
    local sudo=()
    if ! am_root; then
        if command -v sudo >/dev/null 2>&1 && { [ -t 0 ] || sudo -n true 2>/dev/null; }; then
            sudo=(sudo)
        else
            die "installing Debian packages needs root, and sudo is not available here." \
                "Run as root (or ask your administrator), then run this again:" \
                "  apt-get update && apt-get install --no-install-recommends ${missing[*]}"
        fi
    fi
    say "apt-get install --no-install-recommends ${missing[*]}"
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        || ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
        die "apt-get could not install ${missing[*]} (no network, or no Debian mirror?)." \
            "Install them yourself, then run this again:" \
            "  apt-get update && apt-get install --no-install-recommends ${missing[*]}"
    fi
    mapfile -t missing < <(missing_packages)
    [ ${#missing[@]} -eq 0 ] || die "still missing after apt-get: ${missing[*]}"
    say "installed"
}

# ------------------------------------------------------------ 2. PostgreSQL

as_postgres() {
    if am_root; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    elif command -v sudo >/dev/null 2>&1; then
        if [ -t 0 ]; then sudo -u postgres "$@"; else sudo -n -u postgres "$@"; fi
    else
        return 1
    fi
}

pg_answers() { psql -X -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

ensure_postgresql() {
    step "2/3 PostgreSQL"
    if pg_answers; then
        say "answers (as role $(psql -X -d postgres -Atqc 'select current_user' 2>/dev/null))"
        return 0
    fi
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local ver cluster _port status _rest
        while read -r ver cluster _port status _rest; do
            if [ "$status" != online ]; then
                say "starting PostgreSQL cluster $ver/$cluster"
                if am_root; then
                    pg_ctlcluster "$ver" "$cluster" start || say "pg_ctlcluster $ver $cluster start failed"
                else
                    as_postgres pg_ctlcluster "$ver" "$cluster" start || say "could not start $ver/$cluster"
                fi
            fi
        done < <(pg_lsclusters -h 2>/dev/null || true)
    fi
    local _
    for _ in $(seq 1 30); do
        as_postgres psql -X -d postgres -Atqc 'select 1' >/dev/null 2>&1 && break
        sleep 1
    done
    local me
    me=$(id -un)
    if [ -z "${PGUSER:-}" ] && [ "$me" != postgres ]; then
        if ! as_postgres psql -X -d postgres -Atqc "select 1 from pg_roles where rolname = '$me'" 2>/dev/null | grep -q 1; then
            say "creating the PostgreSQL superuser role $me (Odoo connects as you)"
            as_postgres createuser --superuser "$me" || say "could not create the role $me"
        fi
    fi
    if pg_answers; then
        say "answers (as role $(psql -X -d postgres -Atqc 'select current_user' 2>/dev/null))"
        return 0
    fi
    local why
    why=$(psql -X -d postgres -Atqc 'select 1' 2>&1 | tail -n 1 || true)
    if [ "$MODE" = demo ]; then
        die "PostgreSQL does not answer: $why" \
            "Start it (as root: pg_ctlcluster 15 main start) and create a role for you" \
            "(as postgres: createuser --superuser $me), or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
    fi
    # The harness fails the Odoo suite with the reason; the static checks still run.
    say "PostgreSQL does not answer: $why (the Odoo suite will FAIL)"
}

# ------------------------------------------------------------ 3. Odoo 18

# The harness' own detection (stdlib only): exit 0 + JSON when ODOO_BIN (or
# `odoo`/`odoo-bin` on PATH) is an Odoo 18, 3 when there is none, 4 when broken.
harness_detect() { PYTHONPATH="$REPO_ROOT/tests" "$PYTHON" -m rkt_harness detect 2>&1; }

json_field() { "$PYTHON" -c 'import json, sys; d = json.loads(sys.argv[1]); v = d[sys.argv[2]]; print(",".join(v) if isinstance(v, list) else v)' "$1" "$2"; }

ODOO_JSON=

use_odoo() { # use_odoo BIN: detect it (ODOO_JSON, ODOO_BIN), or return 1 (DETECT_OUT, DETECT_RC)
    local out rc=0
    out=$(ODOO_BIN="$1" harness_detect) || rc=$?
    case $out in # the harness' skip line: keep its reason only
        "Odoo 18 not installed: "*"(static checks only) ("*) out=${out#*"(static checks only) ("}; out=${out%)} ;;
    esac
    DETECT_OUT=$out
    DETECT_RC=$rc
    [ $rc -eq 0 ] || return 1
    ODOO_JSON=$out
    export ODOO_BIN
    ODOO_BIN=$(json_field "$ODOO_JSON" bin)
}

source_version() { # prints the major version of the Odoo source tree $1 (empty if none)
    [ -f "$1/odoo/release.py" ] || return 0
    "$PYTHON" - "$1/odoo/release.py" <<'PY'
import ast, sys
for node in ast.parse(open(sys.argv[1], encoding="utf-8").read()).body:
    if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "version_info" for t in node.targets):
        print(ast.literal_eval(node.value.elts[0]))
PY
}

is_odoo18_source() { [ "$(source_version "$1")" = 18 ] && [ -f "$1/requirements.txt" ] && [ -f "$1/setup.py" ]; }

venv_stamp_source() { sed -n 's/^src=//p' "$ODOO_VENV/.rkt-setup" 2>/dev/null || true; }

clone_odoo() {
    command -v git >/dev/null 2>&1 || { CLONE_ERROR="git is not installed"; return 1; }
    mkdir -p "$CACHE_DIR"
    local tmp rc=0
    tmp=$(mktemp -d "$CACHE_DIR/.clone.XXXXXX")
    say "cloning Odoo's $ODOO_SERIES branch (shallow, several hundred MB) from $ODOO_GIT_URL"
    say "  into $CLONE_DIR (kept as a cache: delete it to get a newer Odoo)"
    GIT_TERMINAL_PROMPT=0 git clone --depth 1 --single-branch --branch "$ODOO_SERIES" \
        "$ODOO_GIT_URL" "$tmp/odoo" 2>&1 | tee "$tmp/log" || rc=$?
    if [ $rc -eq 0 ] && is_odoo18_source "$tmp/odoo"; then
        mv "$tmp/odoo" "$CLONE_DIR"
        rm -rf "$tmp"
        return 0
    fi
    CLONE_ERROR="git clone $ODOO_GIT_URL failed: $(grep -v '^Cloning into' "$tmp/log" | tail -n 2 | tr '\n' ' ' | sed 's/ *$//')"
    [ $rc -eq 0 ] && CLONE_ERROR="the clone of $ODOO_GIT_URL is not an Odoo $ODOO_SERIES source tree"
    rm -rf "$tmp"
    return 1
}

addon_python_deps() {
    "$PYTHON" - "$REPO_ROOT/$ADDON/__manifest__.py" <<'PY'
import ast, sys
manifest = ast.literal_eval(open(sys.argv[1], encoding="utf-8").read())
print(" ".join(manifest.get("external_dependencies", {}).get("python", [])))
PY
}

venv_stamp() { # what .venv-odoo is made of; a change redoes the pip steps
    local src=$1
    printf 'src=%s\n' "$src"
    printf 'python=%s\n' "$("$PYTHON" -c 'import sys; print(sys.version.split()[0], sys.executable)')"
    printf 'requirements=%s\n' "$(sha256sum <"$src/requirements.txt" | cut -c1-16)"
    printf 'overrides=%s\n' "$(sha256sum <"$OVERRIDES" | cut -c1-16)"
    printf 'constraints=%s\n' "$(sha256sum <"$ADDON_CONSTRAINTS" | cut -c1-16)"
    printf 'extras=%s %s\n' "$WEBSOCKET_CLIENT" "$(addon_python_deps)"
    printf 'recipe=%s\n' "$VENV_RECIPE"
}

ensure_venv_setuptools() { # ensure_venv_setuptools PY: the setuptools of VENV_SETUPTOOLS
    local py=$1 have
    have=$("$py" -c 'import importlib.metadata as m; print(m.version("setuptools"))' 2>/dev/null || true)
    if [ "setuptools==$have" != "$VENV_SETUPTOOLS" ]; then
        say "installing $VENV_SETUPTOOLS in $ODOO_VENV (was: ${have:-none})"
        "$py" -m pip --disable-pip-version-check install --quiet "$VENV_SETUPTOOLS" \
            || die "pip could not install $VENV_SETUPTOOLS (network? PyPI?)"
    fi
}

ensure_odoo_venv() { # ensure_odoo_venv SRC: .venv-odoo with Odoo installed from SRC
    local src=$1 vpy=$ODOO_VENV/bin/python want
    want=$(venv_stamp "$src")
    if [ -x "$vpy" ] && [ "$(cat "$ODOO_VENV/.rkt-setup" 2>/dev/null)" = "$want" ] \
        && [ -x "$ODOO_VENV/bin/odoo" ]; then
        say "reusing $ODOO_VENV (Odoo from $src)"
        ensure_venv_setuptools "$vpy"
        return 0
    fi
    if [ ! -x "$vpy" ] || ! "$vpy" -c 'import sys' >/dev/null 2>&1 \
        || [ "$("$vpy" -c 'import sys; print(sys.version.split()[0])')" != "$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')" ]; then
        say "creating the virtualenv $ODOO_VENV with $PYTHON ($("$PYTHON" --version 2>&1))"
        rm -rf "$ODOO_VENV"
        "$PYTHON" -m venv "$ODOO_VENV" || die "$PYTHON -m venv failed" \
            "On Debian: apt-get install python3-venv (or set PYTHON to another Python 3.10-3.12)."
    fi
    rm -f "$ODOO_VENV/.rkt-setup"
    local pip=("$vpy" -m pip --disable-pip-version-check)
    say "making Odoo's requirements installable: $src/requirements.txt with the pins of"
    say "  requirements-odoo-overrides.txt replaced -> .venv-odoo/odoo-requirements.txt:"
    "${pip[@]}" install --quiet packaging "$VENV_SETUPTOOLS" \
        || die "pip could not install packaging, $VENV_SETUPTOOLS (network? PyPI?)"
    "$vpy" "$REPO_ROOT/scripts/odoo_requirements.py" "$src/requirements.txt" "$OVERRIDES" \
        >"$ODOO_VENV/odoo-requirements.txt" || die "could not write the requirements (see above)"
    say "installing Odoo's Python requirements (the first time a few minutes: psycopg2 and python-ldap compile)"
    "${pip[@]}" install --quiet -r "$ODOO_VENV/odoo-requirements.txt" \
        || die "pip could not install Odoo's requirements (see pip's message above)." \
            "A pin that no longer builds gets a line in requirements-odoo-overrides.txt."
    # compat mode: a .pth puts the source tree on sys.path, so that `odoo` stays
    # Odoo's regular package once an addon wheel adds site-packages/odoo/addons
    # (the default editable mode would let that namespace directory hide it).
    # --use-pep517: the same (PEP 660) editable install whatever pip's version.
    say "installing Odoo from $src (pip install -e, editable_mode=compat)"
    "${pip[@]}" install --quiet --use-pep517 --config-settings editable_mode=compat -e "$src" \
        || die "pip could not install Odoo from $src (see above)"
    local extras
    read -r -a extras <<<"$WEBSOCKET_CLIENT $(addon_python_deps)"
    say "installing ${extras[*]} (browser tests; the addon's Python dependencies)"
    "${pip[@]}" install --quiet -c "$ADDON_CONSTRAINTS" "${extras[@]}" \
        || die "pip could not install ${extras[*]}"
    printf '%s\n' "$want" >"$ODOO_VENV/.rkt-setup"
}

no_odoo() { # no_odoo REASON...: stop (demo), or go on without the Odoo suite (test)
    if [ "$MODE" = demo ]; then
        die "$1" \
            "Provide Odoo $ODOO_SERIES in one of these ways, then run this again:" \
            "  ODOO_SRC=/path/to/odoo-$ODOO_SERIES make demo     (an Odoo $ODOO_SERIES source tree: the set-up installs it)" \
            "  ODOO_BIN=/path/to/odoo make demo            (an installed Odoo $ODOO_SERIES, used as it is)" \
            "  or network access to $ODOO_GIT_URL (shallow clone into $CLONE_DIR)"
    fi
    say "$1"
    say "the Odoo suite will be SKIPPED: provide ODOO_SRC or ODOO_BIN (see README, \"Tests\")"
    export RKT_NO_ODOO=1 RKT_NO_ODOO_REASON="$1"
    unset ODOO_BIN
}

ensure_odoo() {
    step "3/3 Odoo $ODOO_SERIES"
    # a. the Odoo you name or have: used as it is
    if [ -n "${ODOO_BIN:-}" ]; then
        if use_odoo "$ODOO_BIN"; then
            say "using ODOO_BIN=$ODOO_BIN as it is"
            check_websocket_client
            return 0
        fi
        if [ "$DETECT_RC" = 4 ] && [ "$MODE" = test ]; then
            # An Odoo 18 that does not run: the harness FAILS the Odoo suite with the reason.
            say "ODOO_BIN=$ODOO_BIN is broken: $DETECT_OUT (the Odoo suite will FAIL)"
            return 0
        fi
        no_odoo "ODOO_BIN=$ODOO_BIN is not a usable Odoo $ODOO_SERIES: $DETECT_OUT"
        return 0
    fi
    local name found
    for name in odoo odoo-bin; do
        found=$(command -v "$name" 2>/dev/null) || continue
        if use_odoo "$found"; then
            say "using $found (on PATH) as it is"
            check_websocket_client
            return 0
        fi
        say "not using $found (on PATH): $DETECT_OUT"
    done
    local importable
    importable=$(cd / && "$PYTHON" -c 'import odoo.release as r, os, odoo; print(r.version_info[0], os.path.dirname(odoo.__path__[0]))' 2>/dev/null || true)
    if [ "${importable%% *}" = 18 ]; then
        local root=${importable#* } bin
        if [ -f "$root/odoo-bin" ]; then
            bin=$root/odoo-bin
        else
            mkdir -p "$STATE_DIR"
            bin=$STATE_DIR/odoo-bin
            # what odoo-bin does
            printf '#!%s\n__import__("os").environ["TZ"] = "UTC"\nimport odoo\nodoo.cli.main()\n' \
                "$(command -v "$PYTHON")" >"$bin"
            chmod +x "$bin"
        fi
        export ODOO_PYTHON
        ODOO_PYTHON=$(command -v "$PYTHON")
        if use_odoo "$bin"; then
            say "using the Odoo $PYTHON imports ($root) as it is"
            check_websocket_client
            return 0
        fi
        say "not using the Odoo $PYTHON imports ($root): $DETECT_OUT"
        unset ODOO_PYTHON
    fi
    # b. an Odoo source tree, installed into .venv-odoo
    local src=
    if [ -n "${ODOO_SRC:-}" ]; then
        src=$(cd "$ODOO_SRC" 2>/dev/null && pwd) || die "ODOO_SRC=$ODOO_SRC is not a directory"
        is_odoo18_source "$src" || die "ODOO_SRC=$ODOO_SRC is not an Odoo $ODOO_SERIES source tree" \
            "(expected odoo/release.py with version_info (18, ...), requirements.txt and setup.py;" \
            " found version: $(source_version "$src" || true))"
        say "Odoo source: ODOO_SRC=$src"
    elif [ -n "$(venv_stamp_source)" ] && is_odoo18_source "$(venv_stamp_source)"; then
        src=$(venv_stamp_source)
        say "Odoo source: $src (the one .venv-odoo was made from)"
    elif is_odoo18_source "$CLONE_DIR"; then
        src=$CLONE_DIR
        say "Odoo source: the cached clone $src"
    else
        say "no Odoo $ODOO_SERIES found (no ODOO_BIN, no odoo on PATH, none importable, no ODOO_SRC, no cached clone)"
        if ! clone_odoo; then
            no_odoo "no Odoo $ODOO_SERIES: $CLONE_ERROR"
            return 0
        fi
        src=$CLONE_DIR
    fi
    ensure_odoo_venv "$src"
    use_odoo "$ODOO_VENV/bin/odoo" || die "Odoo was installed into $ODOO_VENV but does not run: $DETECT_OUT"
    say "Odoo $(json_field "$ODOO_JSON" version): $ODOO_BIN"
}

check_websocket_client() {
    local py
    py=$(json_field "$ODOO_JSON" python)
    if ! "$py" -c 'import websocket' >/dev/null 2>&1; then
        say "note: $py cannot import websocket (websocket-client): Odoo would skip the browser"
        say "  tests, which the harness fails. Install it: $py -m pip install '$WEBSOCKET_CLIENT'"
    fi
    check_addon_python_deps "$py"
}

check_addon_python_deps() { # an Odoo used as it is: say what the addon still needs
    local py=$1 missing
    # shellcheck disable=SC2046
    missing=$("$py" - $(addon_python_deps) <<'PY' 2>/dev/null || true
import importlib.metadata as metadata, sys
for spec in sys.argv[1:]:
    name, _, version = spec.partition("==")
    try:
        if version and metadata.version(name) != version:
            print(spec)
    except metadata.PackageNotFoundError:
        print(spec)
PY
)
    if [ -n "$missing" ]; then
        say "note: the Odoo used as it is lacks the addon's Python dependencies: $(echo $missing)"
        say "  Odoo refuses to install rkt_planning without them. Install them:"
        say "  $py -m pip install -c $ADDON_CONSTRAINTS $(echo $missing)"
    fi
}

setup() {
    ensure_packages
    ensure_postgresql
    ensure_odoo
    say "set-up done in $((SECONDS - START_SECONDS)) s"
}

# ------------------------------------------------------------ make test

run_tests() {
    step "tests: the harness virtualenv .venv (requirements-dev.txt)"
    if [ ! -x "$HARNESS_VENV/bin/python" ] || ! "$HARNESS_VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
        say "creating $HARNESS_VENV with $PYTHON"
        rm -rf "$HARNESS_VENV"
        "$PYTHON" -m venv "$HARNESS_VENV" || die "$PYTHON -m venv failed (Debian: apt-get install python3-venv)"
    fi
    "$HARNESS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt \
        || die "pip could not install requirements-dev.txt (see above)"
    if [ -n "${ODOO_BIN:-}" ]; then
        step "tests: python -m pytest tests -v   (ODOO_BIN=$ODOO_BIN)"
    else
        step "tests: python -m pytest tests -v   (no Odoo: static checks only)"
    fi
    # shellcheck disable=SC1091
    source "$HARNESS_VENV/bin/activate"
    local rc=0
    python -m pytest tests -v || rc=$?
    if [ $rc -eq 5 ]; then
        say "pytest collected no tests (exit 5): failing"
        rc=1
    fi
    if [ -n "${RKT_NO_ODOO_REASON:-}" ]; then
        say "the Odoo suite was SKIPPED: ${RKT_NO_ODOO_REASON}"
    fi
    say "make test: exit $rc after $((SECONDS - START_SECONDS)) s"
    exit $rc
}

# ------------------------------------------------------------ make demo

psql_db() { psql -X -d "$1" -Atqc "$2" 2>/dev/null; }

port_free() {
    "$PYTHON" -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)' "$HTTP_INTERFACE" "$HTTP_PORT"
}

demo_logins() {
    "$PYTHON" - "$REPO_ROOT/$ADDON" <<'PY'
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

addon = Path(sys.argv[1])
names = {}  # xml id -> name, of the companies and the groups
for path in [addon / "demo/res_company_demo.xml", addon / "security/rkt_planning_groups.xml"]:
    for rec in ET.parse(path).iter("record"):
        field = rec.find("field[@name='name']")
        if field is not None:
            names[rec.get("id")] = field.text
by_company = {}
for rec in ET.parse(addon / "demo/res_users_demo.xml").iter("record"):
    if rec.get("model") != "res.users":
        continue
    fields = {f.get("name"): f for f in rec.findall("field")}
    login = fields["login"].text
    password = fields["password"].text if "password" in fields else None
    groups = fields["groups_id"].get("eval", "") if "groups_id" in fields else ""
    role = ", ".join(names.get(ref, ref) for ref in re.findall(r"ref\('(group_rkt_\w+)'\)", groups))
    if password != login:
        role += f" (password: {password or 'none set'})"
    company = names.get(fields["company_id"].get("ref"), "") if "company_id" in fields else ""
    by_company.setdefault(company, []).append((login, role, fields["name"].text))
width = max(len(login) for users in by_company.values() for login, _, _ in users)
print("Logins: the password of each demo user is its login; admin / admin sees both agencies.")
for company, users in by_company.items():
    print(f"  {company}")
    for login, role, name in users:
        print(f"    {login:<{width}}  {role} - {name}")
PY
}

run_demo() {
    [[ $DEMO_DB =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || die "RKT_DEMO_DB=$DEMO_DB is not a plain database name"
    local py bin addons conf
    py=$(json_field "$ODOO_JSON" python)
    bin=$(json_field "$ODOO_JSON" bin)
    addons=$(json_field "$ODOO_JSON" addons_path)
    mkdir -p "$STATE_DIR/data"
    conf=$STATE_DIR/demo.conf
    cat >"$conf" <<EOF
; Written by scripts/setup.sh demo: the demo server's options.
[options]
addons_path = $addons
data_dir = $STATE_DIR/data
db_name = $DEMO_DB
dbfilter = ^$DEMO_DB\$
list_db = False
http_interface = $HTTP_INTERFACE
http_port = $HTTP_PORT
max_cron_threads = 1
EOF
    step "demo database $DEMO_DB"
    local state demo
    state=$(psql_db "$DEMO_DB" "select state from ir_module_module where name = '$ADDON'" || true)
    if [ "$state" = installed ]; then
        say "reusing the database $DEMO_DB ($ADDON installed)"
    else
        local log=$STATE_DIR/demo-install.log
        if [ -n "$(psql_db postgres "select 1 from pg_database where datname = '$DEMO_DB'")" ]; then
            say "the database $DEMO_DB exists but $ADDON is not installed in it (${state:-no Odoo tables}): installing"
        else
            say "creating the database $DEMO_DB with $ADDON and its demo data (a few minutes, once)"
        fi
        say "  $py $bin -c .odoo-local/demo.conf -i $ADDON --stop-after-init   (log: .odoo-local/demo-install.log)"
        local started=$SECONDS rc=0
        "$py" "$bin" -c "$conf" -i "$ADDON" --stop-after-init --max-cron-threads=0 \
            --log-level=info --logfile="$log" 2>>"$log" || rc=$?
        state=$(psql_db "$DEMO_DB" "select state from ir_module_module where name = '$ADDON'" || true)
        if [ $rc -ne 0 ] || [ "$state" != installed ]; then
            tail -n 25 "$log" >&2 || true
            die "installing $ADDON into $DEMO_DB failed (exit $rc, module state: ${state:-none}); full log: $log" \
                "Drop the database to start over: dropdb $DEMO_DB"
        fi
        say "installed in $((SECONDS - started)) s"
    fi
    demo=$(psql_db "$DEMO_DB" "select demo from ir_module_module where name = '$ADDON'" || true)
    [ "$demo" = t ] || say "note: $DEMO_DB has no demo data (it was made without it): drop it (dropdb $DEMO_DB) to get them"

    step "serving $DEMO_DB on http://localhost:$HTTP_PORT"
    port_free || die "port $HTTP_PORT is in use (another Odoo?)." \
        "Stop it, or choose another port: RKT_HTTP_PORT=8070 make demo"
    local pid
    "$py" "$bin" -c "$conf" &
    pid=$!
    trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; exit 130' INT TERM
    local url=http://127.0.0.1:$HTTP_PORT/web/login _
    [ "$HTTP_INTERFACE" = 0.0.0.0 ] || [ "$HTTP_INTERFACE" = 127.0.0.1 ] || url=http://$HTTP_INTERFACE:$HTTP_PORT/web/login
    local up=
    for _ in $(seq 1 240); do
        kill -0 "$pid" 2>/dev/null || die "Odoo stopped (see its log above)"
        if "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$url" >/dev/null 2>&1; then
            up=1
            break
        fi
        sleep 0.5
    done
    [ -n "$up" ] || say "Odoo does not answer on $url after 2 minutes (see its log above); still waiting for it"
    cat <<EOF

[setup] ================================================================
[setup] RKT Planning demo: http://localhost:$HTTP_PORT   (database $DEMO_DB)
[setup] ${up:+serving }$((SECONDS - START_SECONDS)) s after \`make demo\` started; Ctrl-C stops it.
$(demo_logins | sed 's/^/[setup] /')
[setup] ================================================================

EOF
    local rc=0
    wait "$pid" || rc=$?
    exit $rc
}

setup
case $MODE in
    test) run_tests ;;
    demo) run_demo ;;
    env)
        if [ -n "${ODOO_BIN:-}" ]; then
            echo "export ODOO_BIN=$(printf '%q' "$ODOO_BIN")"
            [ -z "${ODOO_PYTHON:-}" ] || echo "export ODOO_PYTHON=$(printf '%q' "$ODOO_PYTHON")"
        fi
        ;;
esac
