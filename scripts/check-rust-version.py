#!/usr/bin/env python3
"""Checks that `rust-version` in Cargo.toml is true for the locked dependencies.

    python3 scripts/check-rust-version.py

Reads `cargo metadata --locked` and walks the library's dependency graph (normal and build
dependencies, every target platform) from the csmail package: the highest `rust-version`
declared by a package in it is the oldest Rust that can build the library, and Cargo.toml
must say exactly that (higher would turn away toolchains that work, lower would promise
toolchains that fail). Also checks that the workspace's other members declare the same.
Exits 1 with the offending packages named otherwise.
"""
import json
import subprocess
import sys


def version_key(v):
    return tuple(int(p) for p in v.split("."))


def main():
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            check=True,
            stdout=subprocess.PIPE,
        ).stdout
    )
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = next(p for p in meta["packages"] if p["name"] == "csmail" and p["id"] in meta["workspace_members"])

    seen, todo = set(), [root["id"]]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            if any(k["kind"] in (None, "build") for k in dep["dep_kinds"]):
                todo.append(dep["pkg"])

    declared = [(packages[pid].get("rust_version"), packages[pid]["name"], packages[pid]["version"]) for pid in seen if pid != root["id"]]
    declared = [d for d in declared if d[0]]
    highest = max(version_key(d[0]) for d in declared)
    needs = [f"{n} {v} (rust-version {r})" for r, n, v in declared if version_key(r) == highest]
    ours = root.get("rust_version") or ""
    problems = []
    if not ours or version_key(ours) != highest:
        problems.append(
            f"Cargo.toml says rust-version = \"{ours}\", the locked dependencies need "
            f"{'.'.join(map(str, highest))}: {', '.join(sorted(needs))}"
        )
    for pid in meta["workspace_members"]:
        p = packages[pid]
        if p["name"] != "csmail" and (p.get("rust_version") or "") != ours:
            problems.append(f"{p['name']} says rust-version = \"{p.get('rust_version')}\", csmail says \"{ours}\"")
    if problems:
        print("check-rust-version: " + "\ncheck-rust-version: ".join(problems), file=sys.stderr)
        return 1
    print(f"check-rust-version: rust-version {ours} = the highest of {len(declared)} locked dependencies ({', '.join(sorted(needs))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
