#!/usr/bin/env python3
"""Checks that a PNG screenshot shows a rendered page: decodes it (standard library only) and
requires enough non-white pixels and colours that a blank or unstyled page fails.
usage: check_screenshot.py FILE.png MIN_INK_FRACTION MIN_COLOURS"""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type = header[:4]
    if depth != 8 or colour_type not in (2, 6):
        sys.exit(f"{path}: unsupported PNG format (depth {depth}, colour type {colour_type})")
    channels = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    previous, rows = bytearray(stride), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    path, min_ink, min_colours = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    width, height, channels, rows = pixels(path)
    ink, colours = 0, set()
    for row in rows[::4]:  # every fourth row is plenty and keeps this fast
        for x in range(0, width * channels, channels):
            rgb = row[x:x + 3]
            colours.add(rgb)
            ink += rgb != b"\xff\xff\xff"
    fraction = ink / (len(rows[::4]) * width)
    print(f"{path}: {width}×{height}, {fraction:.1%} non-white, {len(colours)} colours")
    if fraction < min_ink or len(colours) < min_colours:
        sys.exit(f"{path}: looks blank (need ≥ {min_ink:.0%} non-white and ≥ {min_colours} colours)")


main()
