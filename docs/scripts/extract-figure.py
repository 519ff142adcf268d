#!/usr/bin/env python3
"""Saves one figure of a report (report.html or comparison.html) as a standalone SVG file.

    docs/scripts/extract-figure.py runs/eff/comparison.html "Effective samples per second" out.svg

The figure is chosen by its title (the text in the SVG's <title>; the first whose title starts
with the given text, or the K-th with TITLE#K: a report's thermalization figures against sweeps
and against seconds share a title). The report's figures carry their styles inline, so the file renders alone,
e.g. in docs/results.md. With no title, the titles of every figure are listed.
"""
import re
import sys


def figures(html):
    for svg in re.findall(r"<svg\b.*?</svg>", html, re.S):
        title = re.search(r"<title>(.*?)</title>", svg, re.S)
        yield (title.group(1) if title else ""), svg


def main(argv):
    if len(argv) not in (2, 4):
        sys.exit(f"usage: {argv[0]} REPORT.html [TITLE OUT.svg]")
    try:
        with open(argv[1], encoding="utf-8") as f:
            html = f.read()
    except OSError as e:
        sys.exit(f"error: {argv[1]}: {e.strerror}")
    if len(argv) == 2:
        for title, _ in figures(html):
            print(title)
        return
    wanted, _, nth = argv[2].partition("#")
    matches = [(t, svg) for t, svg in figures(html) if t.startswith(wanted)]
    k = int(nth) if nth.isdigit() else 1
    if not 1 <= k <= len(matches):
        sys.exit(f"error: {argv[1]} has no figure titled '{argv[2]}…' (run without a title to list them)")
    title, svg = matches[k - 1]
    with open(argv[3], "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n")
    print(f"{argv[3]}: {title}")


if __name__ == "__main__":
    main(sys.argv)
