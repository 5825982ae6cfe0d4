#!/usr/bin/env bash
# Install everything the toolkit and its tests need, without running the tests:
#   1. Debian packages (LibreOffice and its Python bridge, poppler, Chromium, CJK fonts,
#      Java for vnu), skipped when already installed; when not root, prints what to install;
#   2. the virtualenv .venv with `pip install -e ".[test,bench,dev]"`;
#   3. the virtualenv .venv-office: Debian's python3 (which has LibreOffice's uno module)
#      with unoserver, the converter that keeps one LibreOffice running for a whole run;
#   4. npm tools under .ci/node: vnu-jar (Nu HTML Checker) and axe-core.
# Safe to rerun. .ci/run calls this, then runs the tests.
# Use the tools' paths with:
#   export VNU_JAR=.ci/node/node_modules/vnu-jar/build/dist/vnu.jar
#   export AXE_JS=.ci/node/node_modules/axe-core/axe.min.js
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

APT_PACKAGES=(
  libreoffice-writer-nogui # .docx -> PDF (--format pdf) and reading .docx in tests
  libreoffice-calc-nogui   # opening .xlsx workbooks in tests
  python3-uno              # LibreOffice's uno module for Debian's python3: runs unoserver
  python3-venv             # to make .venv-office with Debian's python3
  poppler-utils            # pdftotext, pdftoppm
  chromium                 # HTML checks through Playwright (never `playwright install`)
  fonts-noto-cjk           # Hangul and Kanji in PDFs and pages
  fonts-dejavu-core        # LibreOffice's default Latin fonts
  fonts-crosextra-carlito  # metric-compatible Calibri: the Word template's Latin font
  fonts-symbola            # emoji and symbols Calibri/Carlito lack (monochrome: PDF/A embeds it)
  default-jre-headless     # java for vnu.jar (vnu-jar's own Java download is skipped)
  openssl                  # tests: a certificate for the site served over TLS
)
NPM_PACKAGES=(vnu-jar@26.9.27 axe-core@4.14.1)
OFFICE_VENV=.venv-office
UNOSERVER_VERSION=3.7   # the XML-RPC interface reports/render/office.py speaks (API 3)
SYSTEM_PYTHON=/usr/bin/python3   # Debian's: the one python3-uno is built for
NODE_DIR=.ci/node
VNU_JAR=$NODE_DIR/node_modules/vnu-jar/build/dist/vnu.jar
AXE_JS=$NODE_DIR/node_modules/axe-core/axe.min.js

say() { printf '==> %s\n' "$*"; }

# --------------------------------------------------------------------------- apt
installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  say "Debian packages already installed"
elif [ "$(id -u)" -ne 0 ]; then
  say "not root: skipping apt-get; install these (then rerun this script):" >&2
  echo "    sudo apt-get install --no-install-recommends ${missing[*]}" >&2
else
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # default-jre-headless's postinst fails on images that dropped the man folders.
  mkdir -p /usr/share/man/man1
  apt-get update -q -o Acquire::Retries=3
  apt-get install -y -q -o Acquire::Retries=3 --no-install-recommends "${missing[@]}"
fi

# --------------------------------------------------------------------------- fonts
# The Word template names Windows' East Asian fonts; render them with Noto CJK faces.
FONT_CONF=/etc/fonts/conf.d/65-briefing-reports-cjk.conf
if cmp -s scripts/fonts-word-cjk.conf "$FONT_CONF"; then
  say "font aliases already in $FONT_CONF"
elif [ "$(id -u)" -ne 0 ]; then
  say "not root: copy scripts/fonts-word-cjk.conf to $FONT_CONF and run fc-cache" >&2
else
  say "font aliases for the Word fonts: $FONT_CONF"
  install -m 644 scripts/fonts-word-cjk.conf "$FONT_CONF"
  command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1 || true
fi

# --------------------------------------------------------------------------- venv
STAMP=.venv/.setup-stamp
want_stamp=$(cat pyproject.toml setup.py | sha256sum | cut -d" " -f1)
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
if [ "$(cat "$STAMP" 2>/dev/null || true)" = "$want_stamp" ] \
  && .venv/bin/python -c 'import reports, pytest, playwright' 2>/dev/null; then
  say ".venv up to date with pyproject.toml"
else
  say "pip install -e .[test,bench,dev] into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test,bench,dev]"
  echo "$want_stamp" >"$STAMP"
fi

# --------------------------------------------------------------------------- office venv
# unoserver must run under the Python LibreOffice's uno module belongs to (Debian's
# python3, not .venv's); --system-site-packages lets the venv see python3-uno.
office_ok() {
  [ -x "$OFFICE_VENV/bin/python" ] && "$OFFICE_VENV/bin/python" -c \
    "import uno, importlib.metadata as m; assert m.version('unoserver') == '$UNOSERVER_VERSION'" \
    2>/dev/null
}
if office_ok; then
  say "$OFFICE_VENV already has unoserver $UNOSERVER_VERSION"
elif ! "$SYSTEM_PYTHON" -c 'import uno, venv' 2>/dev/null; then
  say "$SYSTEM_PYTHON cannot import uno and venv (Debian packages python3-uno and" \
    "python3-venv): skipping $OFFICE_VENV; PDFs cannot be made until it exists" >&2
else
  say "creating $OFFICE_VENV with unoserver $UNOSERVER_VERSION"
  rm -rf "$OFFICE_VENV"
  "$SYSTEM_PYTHON" -m venv --system-site-packages "$OFFICE_VENV"
  "$OFFICE_VENV/bin/python" -m pip install -q --disable-pip-version-check \
    "unoserver==$UNOSERVER_VERSION"
  office_ok || { echo "setup.sh: $OFFICE_VENV cannot import uno and unoserver" >&2; exit 1; }
fi

# --------------------------------------------------------------------------- npm
if [ -f "$VNU_JAR" ] && [ -f "$AXE_JS" ]; then
  say "npm tools already in $NODE_DIR"
elif ! command -v npm >/dev/null 2>&1; then
  say "npm not found: skipping vnu-jar and axe-core (install Debian's npm)" >&2
else
  say "npm install ${NPM_PACKAGES[*]} into $NODE_DIR"
  # --ignore-scripts: vnu-jar's postinstall would download a Java; Debian's is used.
  npm install --ignore-scripts --no-audit --no-fund --prefix "$NODE_DIR" "${NPM_PACKAGES[@]}"
  for f in "$VNU_JAR" "$AXE_JS"; do
    [ -f "$f" ] || { echo "setup.sh: npm install did not produce $f" >&2; exit 1; }
  done
fi

# --------------------------------------------------------------------------- versions
version() {
  local out
  if out=$("$@" 2>&1); then
    printf '    %s\n' "$(printf '%s\n' "$out" | grep -v 'unexpected operator' | head -n 1)"
  else
    printf '    %s: not available\n' "$1"
  fi
}
say "tool versions"
version .venv/bin/python --version
version soffice --version
version "$OFFICE_VENV/bin/python" -m unoserver.server --version
version chromium --version
version java -version
version pdftotext -v
version node --version
[ -f "$VNU_JAR" ] && version java -jar "$VNU_JAR" --version
say "setup done in $ROOT"
