#!/usr/bin/env bash
# Builds and runs samples/consumer-pom, a user's project that imports cloudhop-bom and adds cloudhop-failover with the
# aws and azure providers, against the artifacts `mvn install` put in the local repository. Its main checks that both
# providers load, that Netty has one version (the BOM's), and that the facade takes both sites. Checks first that
# every module jar of the reactor names its module (bin/lib/check-module-names.sh).
# MAVEN_ARGS: extra Maven arguments, e.g. "-o -Dmaven.repo.local=/tmp/m2" to use the repository the install used.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin/lib/check-module-names.sh

version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' bom/pom.xml | head -1)
netty=$(sed -n 's:.*<netty.version>\(.*\)</netty.version>.*:\1:p' bom/pom.xml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r samples/consumer-pom/. "$work/"
echo "consumer build: cloudhop-bom $version, expecting Netty $netty"
# shellcheck disable=SC2086 # MAVEN_ARGS holds several arguments
(cd "$work" && mvn -B -ntp -q ${MAVEN_ARGS:-} -Dcloudhop.version="$version" \
  package dependency:build-classpath -Dmdep.outputFile=classpath.txt)
java -cp "$work/target/shop-1.0.0.jar:$(cat "$work/classpath.txt")" com.example.shop.Main "$netty"
