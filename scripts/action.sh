#!/usr/bin/env bash
# The GitHub Action's review (action.yml runs it): finds what to compare,
# makes sure a shallow checkout holds it, and runs app check once, for
# annotations (workflow commands on stdout) and SARIF (a file) together.
# Exit status is app check's: 0 clean or below fail-on, 1 findings at or
# above it, 2 nothing could be reviewed (with an ::error line saying why).
#
# It reads only the environment, so it runs the same outside Actions:
#   PRODREADY_BIN          the app binary (default: app on PATH)
#   PRODREADY_BASE/_HEAD   commits (or refs) to compare, base...head as a pull
#                          request's "Files changed" does. Default, from the
#                          event: pull_request base.sha/head.sha, merge_group
#                          base_sha/head_sha, push before/after (a new branch:
#                          its repository's default branch).
#   PRODREADY_FAIL_ON      failure, warning, notice or never (default: the config's fail_on)
#   PRODREADY_CONFIG       configuration file (default: .github/prodready.yml in
#                          the repository, when present)
#   PRODREADY_SARIF_FILE   where to write SARIF (default: $RUNNER_TEMP/prodready.sarif)
#   PRODREADY_AI_AUTHORED  auto (detect from the commits), true or false (default: auto)
#   PRODREADY_FETCH_DEPTH  commits to fetch at first when the checkout is shallow (default: 50)
#   GITHUB_WORKSPACE (default: the current directory), GITHUB_EVENT_NAME,
#   GITHUB_EVENT_PATH, GITHUB_OUTPUT and RUNNER_TEMP as Actions sets them.
# Relative paths are relative to the current directory, which in a workflow
# step is the workspace.
set -euo pipefail

# fatal stops with an error annotation, which the run's summary page shows
# (a plain log line would be lost among the steps).
fatal() {
	local msg="$*" pct='%' lf=$'\n' cr=$'\r'
	msg=${msg//$pct/%25}
	msg=${msg//$cr/%0D}
	msg=${msg//$lf/%0A}
	printf '::error title=prodready::%s\n' "$msg"
	exit 2
}

# json_awk prints the scalar at the dotted object path `want` of a JSON
# document and stops; nothing when it is absent. The event is read without
# jq, which self-hosted runners and containers may lack. String escapes are
# decoded only as far as commit ids and ref names need.
read -r -d '' json_awk <<'AWK' || true
# Records are split at double quotes, so they alternate between JSON text
# outside strings and string contents: linear whatever the payload's layout.
BEGIN { RS = "\"" }
function path(   p, j) {
	p = key[1]
	for (j = 2; j <= depth; j++) p = p "." key[j]
	return p
}
function unescape(s,   out, k) {
	out = ""
	while ((k = index(s, "\\")) > 0) {
		out = out substr(s, 1, k - 1) substr(s, k + 1, 1)
		s = substr(s, k + 2)
	}
	return out s
}
function flush() {
	if (scalar != "" && depth > 0 && path() == want) { print scalar; exit }
	scalar = ""
}
instr {
	# Only a key or the wanted value is kept: copying every string would
	# make a long pull request body cost quadratic time.
	if (keep) buf = buf $0
	if (match($0, /\\+$/) && RLENGTH % 2 == 1) {
		if (keep) buf = buf "\""
		next
	}
	instr = 0
	if (iskey) key[depth] = unescape(buf)
	else if (keep) { print unescape(buf); exit }
	next
}
{
	n = length($0)
	for (i = 1; i <= n; i++) {
		c = substr($0, i, 1)
		if (c == "{") { depth++; kind[depth] = "o"; key[depth] = ""; wantkey = 1 }
		else if (c == "[") { depth++; kind[depth] = "a"; key[depth] = "#" }
		else if (c == "}" || c == "]") { flush(); depth--; wantkey = 0 }
		else if (c == ":") wantkey = 0
		else if (c == ",") { flush(); wantkey = (kind[depth] == "o") }
		else if (c == " " || c == "\t" || c == "\r" || c == "\n") flush()
		else scalar = scalar c
	}
	flush()
	# The record ended at a quote, which opens a string.
	instr = 1
	buf = ""
	iskey = (kind[depth] == "o" && wantkey)
	keep = iskey || (depth > 0 && path() == want)
}
AWK

# event_field prints the event payload's value at PATH. It runs in $(…), so
# it must not call fatal: the annotation would vanish into a variable.
event_field() {
	if [ -n "${GITHUB_EVENT_PATH:-}" ]; then awk -v want="$1" "$json_awk" "$GITHUB_EVENT_PATH"; fi
}

is_zero() { case $1 in *[!0]*) return 1 ;; *) return 0 ;; esac; }

bin=${PRODREADY_BIN:-app}
command -v "$bin" >/dev/null 2>&1 || fatal "cannot run '$bin': set PRODREADY_BIN to the prodready binary (go build -o app ./cmd/app)"
workspace=${GITHUB_WORKSPACE:-$PWD}
top=$(git -C "$workspace" rev-parse --show-toplevel 2>&1) ||
	fatal "$workspace is not a git checkout: $top. Check the repository out first (actions/checkout)"
g() { git -C "$top" "$@"; }

fail_on=${PRODREADY_FAIL_ON:-}
config=${PRODREADY_CONFIG:-}
ai=${PRODREADY_AI_AUTHORED:-auto}
depth=${PRODREADY_FETCH_DEPTH:-50}
case $depth in '' | *[!0-9]* | 0*) fatal "PRODREADY_FETCH_DEPTH must be a positive number, got '$depth'" ;; esac
case $ai in auto | true | false) ;; *) fatal "ai-authored must be auto, true or false, got '$ai'" ;; esac

base=${PRODREADY_BASE:-}
head=${PRODREADY_HEAD:-}
event=${GITHUB_EVENT_NAME:-}
if [ -z "$base" ] || [ -z "$head" ]; then
	if [ -n "${GITHUB_EVENT_PATH:-}" ] && [ ! -r "$GITHUB_EVENT_PATH" ]; then
		fatal "cannot read the event payload GITHUB_EVENT_PATH=$GITHUB_EVENT_PATH"
	fi
	case $event in
	pull_request | pull_request_target | pull_request_review | pull_request_review_comment)
		[ -n "$base" ] || base=$(event_field pull_request.base.sha)
		[ -n "$head" ] || head=$(event_field pull_request.head.sha)
		;;
	merge_group)
		[ -n "$base" ] || base=$(event_field merge_group.base_sha)
		[ -n "$head" ] || head=$(event_field merge_group.head_sha)
		;;
	push)
		[ -n "$head" ] || head=$(event_field after)
		if [ -n "$head" ] && is_zero "$head"; then
			echo "prodready: the push deleted its branch; nothing to review"
			exit 0
		fi
		if [ -z "$base" ]; then
			base=$(event_field before)
			# A new branch has no previous tip: review what it adds to the
			# default branch, which is what its pull request will show.
			if [ -n "$base" ] && is_zero "$base"; then
				base=$(event_field repository.default_branch)
			fi
		fi
		;;
	'') fatal "nothing says what to compare: set the base and head inputs (PRODREADY_BASE, PRODREADY_HEAD), or run on a pull_request or push event" ;;
	*) fatal "a $event event says nothing about what to compare: set the base and head inputs" ;;
	esac
fi
[ -n "$base" ] || fatal "no base commit in the $event event payload (${GITHUB_EVENT_PATH:-GITHUB_EVENT_PATH unset}): set the base input"
[ -n "$head" ] || fatal "no head commit in the $event event payload (${GITHUB_EVENT_PATH:-GITHUB_EVENT_PATH unset}): set the head input"

shallow=$(g rev-parse --is-shallow-repository)

# resolve sets $commit to the commit REV names, fetching it from origin when
# the checkout lacks it: actions/checkout fetches one commit by default (a
# pull request's merge commit), which is neither its base nor its head.
resolve() {
	local what=$1 rev=$2 out
	case $rev in -*) fatal "$what '$rev' is not a commit" ;; esac
	if commit=$(g rev-parse --verify --quiet "$rev^{commit}"); then
		return
	fi
	local args=(--no-tags --quiet)
	# --depth on a complete clone would make it shallow.
	if [ "$shallow" = true ]; then args+=(--depth="$depth"); fi
	if ! out=$(g fetch "${args[@]}" origin "$rev" 2>&1); then
		fatal "cannot fetch the $what commit $rev from origin: $out. Check out with fetch-depth: 0, or check that the commit still exists (a force-push removes it)"
	fi
	commit=$(g rev-parse --verify --quiet "FETCH_HEAD^{commit}") ||
		fatal "origin's $rev is not a commit"
}
resolve base "$base"
base=$commit
resolve head "$head"
head=$commit

# base...head is the diff from where head branched off base. A shallow
# checkout may not reach that far: deepen, doubling, then fetch it all.
step=$depth
tries=0
until g merge-base "$base" "$head" >/dev/null 2>&1; do
	[ "$(g rev-parse --is-shallow-repository)" = true ] ||
		fatal "$base and $head have no common history: set the base input to a commit that $head descends from"
	tries=$((tries + 1))
	if [ "$tries" -le 5 ]; then
		out=$(g fetch --no-tags --quiet --deepen="$step" origin "$base" "$head" 2>&1) ||
			fatal "cannot deepen the shallow checkout to find where $head branched from $base: $out"
		step=$((step * 2))
	else
		out=$(g fetch --no-tags --quiet --unshallow origin "$base" "$head" 2>&1) ||
			fatal "cannot fetch the history of $base and $head: $out"
	fi
done

tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/prodready.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ -n "${PRODREADY_SARIF_FILE:-}" ]; then
	sarif=$PRODREADY_SARIF_FILE
elif [ -n "${RUNNER_TEMP:-}" ]; then
	sarif=$RUNNER_TEMP/prodready.sarif
else
	# Outside Actions: a file that outlives this script's temporary directory.
	sarif=$(mktemp "${TMPDIR:-/tmp}/prodready-sarif.XXXXXX")
fi
# The output names it for later steps, which may run elsewhere; a line break
# would let the path write outputs of its own.
case $sarif in /*) ;; *) sarif=$PWD/$sarif ;; esac
case $sarif in *$'\n'* | *$'\r'*) fatal "the sarif-file path contains a line break" ;; esac

args=(check --format github --repo "$top" --sarif "$sarif")
if [ -n "$fail_on" ]; then args+=(--fail-on "$fail_on"); fi
if [ -n "$config" ]; then args+=(--config "$config"); fi
case $ai in
auto) args+=(--range "$base..$head") ;;
true) args+=(--ai-authored --range "$base..$head") ;;
esac

# The flags keep git's output a plain unified diff whatever the repository's
# configuration says (colour, external diff or textconv drivers, prefixes,
# relative paths, submodule logs); app check --staged uses the same.
diff_args=(--no-color --no-ext-diff --no-textconv --find-renames --no-relative
	--src-prefix=a/ --dst-prefix=b/ --submodule=short)

echo "prodready: reviewing ${base:0:12}...${head:0:12}"
rm -f "$sarif"
set +e
g diff "${diff_args[@]}" "$base...$head" -- | "$bin" "${args[@]}" | tee "$tmp/annotations"
statuses=("${PIPESTATUS[@]}")
set -e
diff_status=${statuses[0]} app_status=${statuses[1]}
if [ "$app_status" -eq 2 ]; then
	fatal "app check could not review $base...$head: its message is in the log above"
fi
if [ "$diff_status" -ne 0 ]; then
	# A diff cut short would be reviewed as if it were whole.
	rm -f "$sarif"
	fatal "git diff $base...$head failed (exit $diff_status): its message is in the log above"
fi

count() { grep -c "^::$1 " "$tmp/annotations" || true; }
failures=$(count error)
warnings=$(count warning)
notices=$(count notice)
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		if [ -f "$sarif" ]; then echo "sarif-file=$sarif"; fi
		echo "findings=$((failures + warnings + notices))"
		echo "failures=$failures"
		echo "warnings=$warnings"
		echo "notices=$notices"
	} >>"$GITHUB_OUTPUT"
fi
exit "$app_status"
