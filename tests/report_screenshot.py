"""Screenshots of the HTML reports with headless Chromium (Debian package ``chromium``; bindep.txt profile
``test``), and the few PNG facts the tests check without an image library.

    python -m tests.report_screenshot REPORT.html OUT.png
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
MISSING = ("headless Chromium is not installed (Debian: apt-get install chromium; bindep.txt lists it under the "
           "'test' profile and .ci/run installs it where apt-get is available)")


def browser():
    return next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)


def screenshot(html_path, png_path, width=1280, height=900):
    """Render ``html_path`` as a browser shows it (no network: the page must need none) into ``png_path``."""
    binary = browser()
    if binary is None:
        raise RuntimeError(MISSING)
    with tempfile.TemporaryDirectory() as profile:
        command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                   "--disable-extensions", "--user-data-dir=" + profile, "--window-size=%d,%d" % (width, height),
                   "--screenshot=" + os.path.abspath(png_path), "file://" + os.path.abspath(html_path)]
        subprocess.run(command, capture_output=True, timeout=120, check=True)
    return png_path


def png_facts(path):
    """(width, height, distinct byte values in the decompressed image data): a blank page has very few."""
    with open(path, "rb") as handle:
        data = handle.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    return width, height, len(set(pixels))


if __name__ == "__main__":
    screenshot(sys.argv[1], sys.argv[2])
