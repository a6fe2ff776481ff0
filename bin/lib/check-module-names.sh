#!/usr/bin/env bash
# Checks that every module jar built by the reactor (run after `mvn package` or `install`) names its JPMS module
# with a valid Automatic-Module-Name under dev.cloudhop. Prints one line per jar, then exits non-zero if any jar
# (or module) lacks it.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
found=0
for pom in */pom.xml; do
  module="${pom%/pom.xml}"
  grep -q '<packaging>pom</packaging>' "$pom" && continue
  jars=$(ls "$module"/target/cloudhop-*.jar 2>/dev/null | grep -Ev -- '-(sources|javadoc|tests)\.jar$' || true)
  if [ -z "$jars" ]; then
    echo "MISSING  $module: no jar under $module/target (build the reactor first)"; status=1; continue
  fi
  for jar in $jars; do
    found=$((found + 1))
    name=$(jar --describe-module --file "$jar" 2>/dev/null | sed -n 's/^\([^ @]*\)[^ ]* automatic$/\1/p' | head -1)
    declared=$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Automatic-Module-Name: //p')
    if [[ "$declared" =~ ^dev\.cloudhop(\.[a-z][a-z0-9]*)+$ ]] && [ "$name" = "$declared" ]; then
      echo "ok       $jar: $declared"
    else
      echo "BAD      $jar: Automatic-Module-Name '${declared}', module '${name}'"; status=1
    fi
  done
done
[ "$found" -gt 0 ] || { echo "no jars checked" >&2; exit 1; }
exit $status
