#!/usr/bin/env bash
# No binary NeuralRG builds or installs may find a library in the working directory:
#  1. every RPATH/RUNPATH entry of every ELF file under the given folders is absolute or
#     $ORIGIN-relative (an empty entry, or a relative one, is searched from the working directory);
#  2. run from a folder holding a decoy of every library neuralrg needs, neuralrg loads none of
#     them (each decoy's constructor would leave a mark).
#   check_runpaths.sh CLI FOLDER...
set -euo pipefail
cli=$1
shift
status=0
checked=0
while IFS= read -r -d '' file; do
  head -c 4 "$file" | grep -q $'^\x7fELF' || continue
  checked=$((checked + 1))
  paths=$(readelf -d "$file" 2>/dev/null | sed -n 's/.*(R\(UN\)\?PATH).*\[\(.*\)\]/\2/p')
  [[ -z $paths ]] && continue
  IFS=: read -r -a entries <<<"$paths:"  # the extra colon keeps a trailing empty entry
  for entry in "${entries[@]:0:${#entries[@]}}"; do
    if [[ -z $entry || ( $entry != /* && $entry != '$ORIGIN'* ) ]]; then
      echo "$file: RUNPATH [$paths] has an entry '$entry' searched from the working directory"
      status=1
    fi
  done
done < <(find "$@" -type f \( -perm -u+x -o -name '*.so*' \) -print0)
echo "checked the RUNPATH of $checked ELF files"
[[ $checked -gt 0 ]] || { echo "no ELF files found under $*"; exit 1; }

if ! command -v cc >/dev/null; then
  echo "no C compiler: the decoy-library part is skipped"
  exit $status
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
needed=$( (ldd "$cli" || true) | awk '/=>/ {print $1}' | sort -u)
printf '__attribute__((constructor)) static void mark(void) {\n  FILE* f = fopen("%s/loaded", "a");\n  if (f) { fputs(NAME "\\n", f); fclose(f); }\n}\n' "$work" \
  | sed '1i #include <stdio.h>' >"$work/decoy.c"
mkdir "$work/cwd"
for lib in $needed; do
  cc -shared -fPIC -DNAME="\"$lib\"" -Wl,-soname,"$lib" "$work/decoy.c" -o "$work/cwd/$lib"
done
(cd "$work/cwd" && "$cli" --version >/dev/null 2>&1) || true
if [[ -s $work/loaded ]]; then
  echo "neuralrg loaded libraries from its working directory: $(tr '\n' ' ' <"$work/loaded")"
  status=1
else
  echo "none of $(wc -w <<<"$needed") decoy libraries in the working directory was loaded"
fi
exit $status
