"""Bring the front-end packages (KERN, htmx) from the npm registry into static_vendor/.

No node is needed: the pinned tarball is downloaded once, checked against the sha512
integrity the registry publishes (pinned below), and only the files the pages use are
unpacked. Run with any Python 3; the result is cached next to the output.
"""

import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "static_vendor"
# Test-only packages (axe-core for the accessibility suite) are never served.
TEST_TARGET = ROOT / "var" / "test-vendor"
CACHE = ROOT / "var" / "npm-cache"
REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")

PACKAGES = [
    {
        "name": "@kern-ux/native",
        "version": "2.7.2",
        "integrity": "sha512-TN0Mqbasp7S1IOqurXickde8MDj5hIcgT4s3f1i33wyv2iVgA1dTO/FoQyi6rgM9KYTYkIthl9k72g7fBUUvHg==",
        "extract": {"package/dist/": "kern/"},
        "licence": "EUPL-1.2",
    },
    {
        "name": "htmx.org",
        "version": "2.0.11",
        "integrity": "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
        "extract": {"package/dist/htmx.min.js": "htmx/htmx.min.js"},
        "licence": "0BSD",
    },
    {
        "name": "axe-core",
        "version": "4.14.1",
        "integrity": "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "extract": {"package/axe.min.js": "axe/axe.min.js"},
        "licence": "MPL-2.0",
        "test_only": True,
    },
]


def tarball_url(name: str, version: str) -> str:
    short = name.split("/")[-1]
    return f"{REGISTRY}/{name}/-/{short}-{version}.tgz"


def fetch(package: dict) -> bytes:
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"{package['name'].replace('/', '__')}-{package['version']}.tgz"
    if cached.exists():
        data = cached.read_bytes()
    else:
        url = tarball_url(package["name"], package["version"])
        print(f"  fetching {package['name']}@{package['version']} from the npm registry")
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - fixed https registry URL
            data = response.read()
    algorithm, expected = package["integrity"].split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        cached.unlink(missing_ok=True)
        sys.exit(f"Integrity check failed for {package['name']}@{package['version']}: refusing to use it.")
    cached.write_bytes(data)
    return data


def unpack(package: dict, data: bytes) -> None:
    target = TEST_TARGET if package.get("test_only") else TARGET
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            for source, destination in package["extract"].items():
                if member.name == source or (source.endswith("/") and member.name.startswith(source)):
                    relative = destination + member.name[len(source) :] if source.endswith("/") else destination
                    path = (target / relative).resolve()
                    if target.resolve() not in path.parents:
                        sys.exit(f"Refusing to write outside {target}: {member.name}")
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(archive.extractfile(member).read())


def main() -> None:
    stamp = TARGET / "vendor.json"
    wanted = json.dumps(PACKAGES, sort_keys=True)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    for folder in (TARGET, TEST_TARGET):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for package in PACKAGES:
        unpack(package, fetch(package))
    stamp.write_text(wanted)
    print("  front-end packages ready in static_vendor/")


if __name__ == "__main__":
    main()
