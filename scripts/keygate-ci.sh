#!/bin/sh
# Checks the commits a CI run is about (a push, a pull or merge request) with `keygate check
# --range`, writes a SARIF report, and exits like keygate: 0 clean, 1 a blocking finding, 2 the
# check could not run. Used by action.yml and ci-templates/gitlab-ci.yml; runs anywhere.
#
#   KEYGATE_BASE   the commit the change starts from (the push's "before", the pull request's
#                  base); empty or all zeros for a new branch: then the commits no remote-tracking
#                  branch has, or the whole history when there is none.
#   KEYGATE_HEAD   the commit to check up to (default HEAD)
#   KEYGATE_SARIF  where to write the SARIF report (default keygate.sarif)
#   KEYGATE        the keygate binary (default keygate)
set -u
keygate=${KEYGATE:-keygate}
base=${KEYGATE_BASE:-}
head=${KEYGATE_HEAD:-HEAD}
sarif=${KEYGATE_SARIF:-keygate.sarif}

case $base in
  ''|*[!0]*) ;;
  *) base= ;;   # all zeros: a new branch
esac
if [ -n "$base" ] && ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  echo "keygate-ci: $base is not in this clone (fetch the whole history: fetch-depth 0); checking from the remote branches instead" >&2
  base=
fi
if [ -z "$base" ]; then
  # Where the branch left the default branch (origin/HEAD) or, failing that, another remote
  # branch; never a remote branch that already holds HEAD (a CI clone has the pushed branch too).
  for ref in $(git rev-parse -q --verify refs/remotes/origin/HEAD) \
             $(git for-each-ref --format='%(objectname)' refs/remotes); do
    git merge-base --is-ancestor "$head" "$ref" 2>/dev/null && continue
    base=$(git merge-base "$ref" "$head" 2>/dev/null) && break
  done
fi
if [ -n "$base" ]; then
  set -- check --range "$base..$head"
else
  set -- check --history --branch "$head"
fi
echo "keygate-ci: keygate $*" >&2
"$keygate" "$@" --no-color
status=$?
if [ "$status" -ne 2 ]; then
  "$keygate" "$@" --format sarif --output "$sarif" || true
fi
exit "$status"
