#!/usr/bin/env bash
# Installs Kimi Desktop from a bundle (dist/kimi-desktop, or the folder in the release
# archive) for the current user, or system-wide under $PREFIX; --uninstall removes it.
#
#   ./install.sh [BUNDLE_DIR]     BUNDLE_DIR: ./kimi-desktop next to this script, or the
#                                 folder this script is in when that is a bundle
#   ./install.sh --uninstall      (what uninstall.sh runs)
#
#                per user (default)                      PREFIX=/usr/local (as root)
#   app          $XDG_DATA_HOME/kimi-desktop/app/         $PREFIX/lib/kimi-desktop/
#   launcher     ~/.local/bin/kimi-desktop                 $PREFIX/bin/kimi-desktop
#   menu entry   $XDG_DATA_HOME/applications/kimi-desktop.desktop     $PREFIX/share/...
#   icons        $XDG_DATA_HOME/icons/hicolor/<size>/apps/kimi-desktop.{png,svg}
#   metainfo     $XDG_DATA_HOME/metainfo/io.github.kimi_desktop.KimiDesktop.metainfo.xml
#
# XDG_DATA_HOME defaults to ~/.local/share. Uninstall with the same PREFIX/XDG_DATA_HOME.
# Conversations and settings are never touched: the app keeps them in
# $XDG_DATA_HOME/kimi-desktop/ (beside app/) and ~/.config/kimi-desktop/.
set -euo pipefail

APP=kimi-desktop
METAINFO=io.github.kimi_desktop.KimiDesktop.metainfo.xml

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

# Sets share, app_dir, bin_dir.
locations() {
  if [[ -n "${PREFIX:-}" ]]; then
    [[ "$PREFIX" == /* ]] || die "PREFIX must be an absolute path: $PREFIX"
    share="$PREFIX/share"
    app_dir="$PREFIX/lib/$APP"
    bin_dir="$PREFIX/bin"
  else
    [[ -n "${HOME:-}" ]] || die "HOME is not set"
    share="$HOME/.local/share"
    # The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
    [[ "${XDG_DATA_HOME:-}" == /* ]] && share="$XDG_DATA_HOME"
    app_dir="$share/$APP/app"
    bin_dir="$HOME/.local/bin"
  fi
}

# A path as one argument of a desktop entry's Exec key: reserved characters escaped
# inside double quotes, then escaped again as a string value; % doubled.
exec_quote() {
  local s=$1
  [[ "$s" != *$'\n'* ]] || die "the install path contains a newline"
  if [[ "$s" =~ ^[A-Za-z0-9/._+-]+$ ]]; then
    printf '%s' "$s"
    return
  fi
  # shellcheck disable=SC1003  # a quoted backslash, not an escaped quote
  s=${s//'\'/'\\\\'}
  s=${s//'"'/'\\"'}
  s=${s//'$'/'\\$'}
  s=${s//'`'/'\\`'}
  s=${s//'%'/'%%'}
  printf '"%s"' "$s"
}

# The bundle's desktop entry with Exec and TryExec pointing at the installed binary.
write_desktop_entry() {
  local source=$1 target=$2 binary=$3
  # shellcheck disable=SC1003
  EXEC_CMD="$(exec_quote "$binary")" TRY_EXEC="${binary//'\'/'\\'}" awk '
    /^\[/ { group = $0 }
    /^Exec=/ && ($0 ~ /^Exec=kimi-desktop( |$)/) {
      rest = $0; sub(/^Exec=kimi-desktop/, "", rest)
      print "Exec=" ENVIRON["EXEC_CMD"] rest; next
    }
    group == "[Desktop Entry]" && /^TryExec=/ { print "TryExec=" ENVIRON["TRY_EXEC"]; next }
    { print }
  ' "$source" >"$target.tmp"
  chmod 644 "$target.tmp"
  mv -f "$target.tmp" "$target"
}

# Is $1 the launcher symlink this installation made (or a dangling one)?
our_launcher() {
  [[ -L "$1" ]] && { [[ "$(readlink "$1")" == "$app_dir/$APP" ]] || [[ ! -e "$1" ]]; }
}

refresh_caches() {
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$share/applications" 2>/dev/null || true
  fi
  local theme="$share/icons/hicolor"
  if [[ -d "$theme" ]]; then
    touch "$theme"  # icon theme watchers look at this folder's mtime
    # Only refresh a cache that exists: creating one in a per-user theme would hide
    # icons other apps install later without refreshing it.
    if [[ -f "$theme/icon-theme.cache" ]] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
      gtk-update-icon-cache -q -t -f "$theme" 2>/dev/null || true
    fi
  fi
}

install_app() {
  local here bundle
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  if [[ $# -gt 0 ]]; then
    bundle=$1
  elif [[ -x "$here/$APP/$APP" ]]; then
    bundle="$here/$APP"
  else
    bundle="$here"
  fi
  [[ -x "$bundle/$APP" && -d "$bundle/share/applications" ]] ||
    die "not a Kimi Desktop bundle (no $APP or share/ inside): $bundle"
  bundle="$(cd "$bundle" && pwd -P)"
  locations
  if [[ -d "$app_dir" && "$(cd "$app_dir" && pwd -P)" == "$bundle" ]]; then
    die "this bundle is the installed copy; run install.sh from the archive or dist/ instead"
  fi

  say "Installing Kimi Desktop into $app_dir"
  if [[ -z "${PREFIX:-}" && ! -d "$share/$APP" ]]; then
    mkdir -p "$share"
    mkdir -m 700 "$share/$APP"  # the app's private data folder, as the app would create it
  fi
  mkdir -p "$(dirname "$app_dir")"
  local staging="$app_dir.new.$$"
  rm -rf "$staging"
  cp -a "$bundle/." "$staging/"
  rm -rf "$app_dir"
  mv "$staging" "$app_dir"

  mkdir -p "$bin_dir"
  local link="$bin_dir/$APP"
  if [[ -e "$link" || -L "$link" ]] && ! our_launcher "$link"; then
    say "Leaving $link alone: it is not from this installer (the menu entry still works)."
  else
    ln -sfn "$app_dir/$APP" "$link"
  fi

  mkdir -p "$share/applications" "$share/metainfo"
  write_desktop_entry "$app_dir/share/applications/$APP.desktop" \
    "$share/applications/$APP.desktop" "$app_dir/$APP"
  install -m 644 "$app_dir/share/metainfo/$METAINFO" "$share/metainfo/$METAINFO"
  local icon size
  for icon in "$app_dir"/share/icons/hicolor/*/apps/"$APP".*; do
    size="$(basename "$(dirname "$(dirname "$icon")")")"
    install -D -m 644 "$icon" "$share/icons/hicolor/$size/apps/$(basename "$icon")"
  done
  refresh_caches

  say "Done: Kimi Desktop is in your applications menu; run it with: $link"
  case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) say "Note: $bin_dir is not on your PATH." ;;
  esac
}

uninstall_app() {
  locations
  say "Removing Kimi Desktop from $app_dir"
  rm -f "$share/applications/$APP.desktop" "$share/metainfo/$METAINFO"
  rm -f "$share"/icons/hicolor/*/apps/"$APP".png "$share"/icons/hicolor/*/apps/"$APP".svg
  if our_launcher "$bin_dir/$APP"; then
    rm -f "$bin_dir/$APP"
  fi
  rm -rf "$app_dir" "$app_dir".new.*
  if [[ -z "${PREFIX:-}" ]]; then
    rmdir "$share/$APP" 2>/dev/null || true  # only when empty: conversations stay
  fi
  refresh_caches
  if [[ -z "${PREFIX:-}" && -d "$share/$APP" ]]; then
    say "Your conversations and settings are kept in $share/$APP and" \
      "${XDG_CONFIG_HOME:-$HOME/.config}/$APP; delete those folders to remove them too."
  fi
  say "Done."
}

main() {
  if [[ "${1:-}" == "--uninstall" ]]; then
    uninstall_app
  else
    install_app "$@"
  fi
}

# Everything above is parsed before anything runs: uninstall deletes this very file.
main "$@"
exit
