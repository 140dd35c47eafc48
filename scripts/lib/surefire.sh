# Shared by scripts/test and scripts/test-lab. Sourced, not executed.
#
#   surefire_no_skips DIR [STAMP]   fails (exit 1, naming each class) when a Surefire report under
#                                   DIR (newer than the file STAMP, when given) counts a skipped
#                                   test. Surefire itself only prints "Skipped: N" and passes; here
#                                   a skip is a failure: it hides a missing service or a disabled check.

surefire_no_skips() {
  local dir=$1 stamp=${2:-} report skipped bad=() newer=()
  [ -n "$stamp" ] && newer=(-newer "$stamp")
  while IFS= read -r report; do
    skipped=$(grep -o -m1 '<testsuite [^>]*' "$report" | grep -o ' skipped="[0-9]*"' | tr -dc 0-9)
    if [ -n "$skipped" ] && [ "$skipped" -gt 0 ]; then
      bad+=("$(basename "$report" .xml | sed 's/^TEST-//'): $skipped skipped")
    fi
  done < <(find "$dir" -path '*/target/surefire-reports/TEST-*.xml' "${newer[@]}" 2>/dev/null)
  if [ ${#bad[@]} -gt 0 ]; then
    echo "== FAILED: skipped tests count as failures here (a skip hides a missing service):" >&2
    printf '   %s\n' "${bad[@]}" >&2
    return 1
  fi
  echo "== Surefire reports: no test skipped"
}

#   surefire_times DIR [STAMP]      one line per test case of the reports under DIR (newer than
#                                   STAMP), slowest first: "seconds  Class.method" (the profile
#                                   of a lab stage: where its minutes went)
surefire_times() {
  local dir=$1 stamp=${2:-} newer=()
  [ -n "$stamp" ] && newer=(-newer "$stamp")
  find "$dir" -path '*/target/surefire-reports/TEST-*.xml' "${newer[@]}" 2>/dev/null \
    | xargs -r grep -h -o '<testcase name="[^"]*" classname="[^"]*" time="[0-9.]*"' \
    | sed -E 's/<testcase name="([^"(]*)[^"]*" classname="[^"]*\.([A-Za-z0-9_]*)" time="([0-9.]*)"/\3 \2.\1/' \
    | sort -rn | awk '{ printf "%8.1f s  %s\n", $1, $2 }'
}
