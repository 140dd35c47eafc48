# Shared by scripts/test and scripts/test-lab: time each stage and print one line per stage at
# the end. Sourced, not executed.
#
#   stage NAME CMD...   runs CMD; records NAME, its duration and outcome; a failure ends the run
#                       with CMD's exit status (after the report, from the caller's EXIT trap)
#   stages_report       prints "stage: NAME  N s  passed|FAILED (exit N)" per stage and the total

STAGE_LINES=()
STAGES_T0=$SECONDS

stage() {
  local name=$1 t0=$SECONDS rc=0
  shift
  echo "== stage '$name' starts"
  # In the background and waited for: a function called as `f || ...` would run with `set -e`
  # switched off inside it, so a failing step in the middle of a stage would not end the stage.
  "$@" &
  wait $! || rc=$?
  stage_record "$name" $((SECONDS - t0)) $rc
  [ $rc = 0 ] || exit $rc
}

# stage_record NAME SECONDS RC: a stage timed by its caller (one that must run in this shell).
stage_record() {
  STAGE_LINES+=("$(printf '%-36s %6d s  %s' "$1" "$2" "$([ "$3" = 0 ] && echo passed || echo "FAILED (exit $3)")")")
}

stages_report() {
  [ ${#STAGE_LINES[@]} -gt 0 ] || return 0
  echo "== stages of this run"
  local line
  for line in "${STAGE_LINES[@]}"; do
    echo "stage: $line"
    # scripts/test-lab's own lines (one per lab group) follow the lab stage's
    if [[ $line == "lab stage "* ]] && [ -s target/lab-stage-lines.txt ]; then cat target/lab-stage-lines.txt; fi
  done
  printf 'stage: %-36s %6d s\n' "total" $((SECONDS - STAGES_T0))
}
