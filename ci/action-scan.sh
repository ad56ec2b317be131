#!/usr/bin/env bash
# The scan step of the leakscope GitHub Action (action.yml) and of the GitLab CI template:
# runs `leakscope scan` with SARIF (or GitLab secret-detection) output and reports the
# outcome, without failing the job itself, so that the report upload can run first. Inputs
# come from the environment:
#
#   LS_PATHS      paths to scan, space-separated (default: .)
#   LS_FAIL_ON    severity that makes the scan "fail" (default: high)
#   LS_ARGS       extra arguments for `leakscope scan` (e.g. "--exclude 'vendor/**'")
#   LS_FORMAT     report format: sarif (default) or gitlab
#   LS_SARIF      report file (default: leakscope.sarif, or gl-secret-detection-report.json
#                 for gitlab)
#   LEAKSCOPE_BIN the leakscope binary (default: `leakscope` on PATH)
#
# Outputs (to $GITHUB_OUTPUT when set, and to stdout): exit-code (0 clean, 1 findings at or
# above LS_FAIL_ON, 2 error), findings (number of results in the report), sarif (its path).
set -uo pipefail

bin="${LEAKSCOPE_BIN:-leakscope}"
format="${LS_FORMAT:-sarif}"
case $format in
    sarif) sarif="${LS_SARIF:-leakscope.sarif}"; marker='"ruleId"' ;;
    gitlab) sarif="${LS_SARIF:-gl-secret-detection-report.json}"; marker='"identifiers"' ;;
    *) echo "leakscope: LS_FORMAT must be sarif or gitlab, not '$format'" >&2; exit 2 ;;
esac
fail_on="${LS_FAIL_ON:-high}"
read -r -a paths <<<"${LS_PATHS:-.}"
extra=()
if [[ -n "${LS_ARGS:-}" ]]; then
    # Split like a shell would, honouring quotes, but never expanding or running anything:
    # xargs does quote removal only.
    mapfile -t extra < <(printf '%s' "$LS_ARGS" | xargs -n1 printf '%s\n')
fi

"$bin" scan --format "$format" -o "$sarif" --fail-on "$fail_on" "${extra[@]}" "${paths[@]}"
code=$?
findings=0
if [[ -f "$sarif" ]]; then
    findings=$(grep -o "$marker" "$sarif" | wc -l | tr -d ' ')
fi
case $code in
    0) echo "leakscope: no findings at or above '$fail_on' ($findings in all)" ;;
    1) echo "leakscope: findings at or above '$fail_on' ($findings in all); see $sarif" ;;
    *) echo "leakscope: scan failed (exit $code)" ;;
esac
{
    echo "exit-code=$code"
    echo "findings=$findings"
    echo "sarif=$sarif"
} | tee -a "${GITHUB_OUTPUT:-/dev/null}"
exit 0
