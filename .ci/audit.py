"""Read `pip-audit --format json` on stdin; fail (exit 1) if any installed dependency has a known
vulnerability that a newer release fixes. Vulnerabilities with no fix yet, and dependencies that
could not be audited (not on the index, or no network), are printed as warnings only."""

import json
import sys


def verdict(report: dict) -> tuple[list[str], list[str]]:
    """(failures, warnings), each a line of text."""
    failures, warnings = [], []
    skipped = []
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            skipped.append(dep["name"])
            continue
        for vuln in dep.get("vulns", []):
            line = f"{dep['name']} {dep.get('version', '?')}: {vuln['id']}"
            if vuln.get("fix_versions"):
                failures.append(f"{line} (fixed in {', '.join(vuln['fix_versions'])})")
            else:
                warnings.append(f"{line} (no fix released yet)")
    if skipped:
        warnings.append(f"{len(skipped)} dependencies could not be audited: "
                        f"{', '.join(sorted(skipped))}")
    return failures, warnings


def main() -> int:
    failures, warnings = verdict(json.load(sys.stdin))
    for line in warnings:
        print(f"pip-audit warning: {line}", file=sys.stderr)
    for line in failures:
        print(f"pip-audit: vulnerable: {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
