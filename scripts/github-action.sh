#!/usr/bin/env bash
# The GitHub Action's run step (action.yml): runs `argus run --server` on
# the tests, with the pull request's change selecting them, and leaves the
# JUnit report, the CLI's output and a Markdown summary in the output
# directory. It always exits 0 once argus ran, so the artifacts and the PR
# comment are made; the action's last step fails with argus's exit code
# (0 passed, 1 a test failed, 2 Argus could not tell or bad input), which
# it finds in the step output exit-code.
#
# Inputs (environment): ARGUS_SERVER, ARGUS_API_KEY, ARGUS_PROJECT as for
# the CLI; INPUT_TESTS (test files or directories, default tests);
# INPUT_SINCE (a git ref; default on pull requests the base branch, else
# no selection: every test runs); INPUT_ALL=true runs every test even on a
# pull request; INPUT_OUT (output directory, default argus-out);
# ARGUS_BIN (the CLI, default argus).
set -uo pipefail

tests=${INPUT_TESTS:-tests}
out=${INPUT_OUT:-argus-out}
bin=${ARGUS_BIN:-argus}
mkdir -p "$out"

since=${INPUT_SINCE:-}
if [[ -z "$since" && "${INPUT_ALL:-false}" != "true" && "${GITHUB_EVENT_NAME:-}" == pull_request* && -n "${GITHUB_BASE_REF:-}" ]]; then
	# The base branch as the remote has it; the checkout needs the history
	# (actions/checkout with fetch-depth: 0) for the merge base.
	if ! git fetch --quiet --no-tags origin "+refs/heads/${GITHUB_BASE_REF}:refs/remotes/origin/${GITHUB_BASE_REF}"; then
		echo "::error::could not fetch the base branch ${GITHUB_BASE_REF}; check out with fetch-depth: 0"
		echo "exit-code=2" >>"${GITHUB_OUTPUT:-/dev/null}"
		exit 0
	fi
	since="origin/${GITHUB_BASE_REF}"
fi

args=(run)
read -r -a paths <<<"$tests"
args+=("${paths[@]}" --junit "$out/junit.xml")
if [[ -n "$since" ]]; then
	args+=(--since "$since")
fi

echo "argus ${args[*]}"
"$bin" "${args[@]}" 2>&1 | tee "$out/output.txt"
code=${PIPESTATUS[0]}

case $code in
0) verdict="passed" ;;
1) verdict="failed" ;;
*) verdict="could not tell (exit $code)" ;;
esac
{
	echo "### Argus: ${verdict}"
	echo
	if [[ -n "$since" ]]; then
		echo "Tests selected by the change since \`${since}\`."
		echo
	fi
	echo '```'
	# The selection, the verdicts and the run's link are at the end.
	tail -n 80 "$out/output.txt"
	echo '```'
} >"$out/summary.md"
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
	cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
echo "exit-code=${code}" >>"${GITHUB_OUTPUT:-/dev/null}"
exit 0
