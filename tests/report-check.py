#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# report-check: reads a prospectd HTML report with python3-lxml (a parser
# that shares no code with prospectd) and prints what a reader sees, one
# line per fact, for the test to compare with what it expects; or checks
# a headless browser's screenshot. Run with /usr/bin/python3 (Debian's
# packages).
#
#   report-check.py dump REPORT.html     the page's structure and figures
#   report-check.py external REPORT.html every reference to elsewhere
#                                        ("none" when there is none)
#   report-check.py png FILE.png WIDTH   "WIDTHxHEIGHT, N% not white"
#                                        (rounded down)
#   report-check.py wilson K N           the 90 % Wilson interval of K/N
#                                        in percent, one decimal
import math
import re
import struct
import sys
import zlib

Z90 = 1.6448536269514722


def dump(path):
    import lxml.html
    root = lxml.html.parse(path).getroot()
    print("lang", root.get("lang"))
    print("title", root.findtext(".//title"))
    print("h1", root.findtext(".//h1"))
    print("scripts", len(root.findall(".//script")))
    print("summary", root.get_element_by_id("summary").text_content())
    style = root.findtext(".//style")
    print("print style sheet", "@media print" in style and "@page{size:A4" in style)
    print("narrow screens", "@media (max-width:600px)" in style and ".table{overflow-x:auto" in style)
    meta = root.find(".//meta[@name='viewport']")
    print("viewport", meta.get("content") if meta is not None else None)
    for svg in root.iter("svg"):
        figure = svg.getparent()
        box = [float(v) for v in svg.get("viewbox").split()]
        planned = svg.find("polyline[@class='planned']")
        actual = svg.find("polyline[@class='actual']")
        points = lambda p: [tuple(float(v) for v in xy.split(",")) for xy in p.get("points").split()] if p is not None else []
        planned_points, actual_points = points(planned), points(actual)
        inside = all(box[0] <= x <= box[0] + box[2] and box[1] <= y <= box[1] + box[3]
                     for x, y in planned_points + actual_points)
        circles = ["%s %s" % (c.get("class").split()[1], c.findtext("title")) for c in svg.iter("circle")]
        texts = [t.text for t in svg.iter("text")]
        print("chart %s: box %gx%g, plan %d points, done %d points, all inside %s, rising %s" % (
            figure.get("id"), box[2], box[3], len(planned_points), len(actual_points), inside,
            all(b[1] <= a[1] for a, b in zip(planned_points, planned_points[1:]))))
        print("  labels", " | ".join(texts))
        # The scale's top is its third label; the last point of each curve
        # read back as contacts (to the drawing's 0.1 unit).
        top = int(re.sub(r"\D", "", texts[2]))
        height = box[3] - 16 - 44
        value = lambda p: top * (1 - (p[-1][1] - 16) / height) if p else None
        print("  plan ends at %.0f, done ends at %s (of %d, within %.1f)" % (
            value(planned_points), "%.0f" % value(actual_points) if actual_points else "-", top, top * 0.1 / height))
        for c in circles:
            print("  checkpoint", c)
    for table in root.iter("table"):
        print("table", table.get("id"))
        for row in table.iter("tr"):
            print("  " + " | ".join(cell.text_content() for cell in row))
    print("still needed", root.get_element_by_id("still-needed").text_content())


def external(path):
    import lxml.html
    root = lxml.html.parse(path).getroot()
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "link", "img", "iframe", "object", "embed", "image", "use", "base", "audio",
                           "video", "source", "form"):
            found.append("element " + element.tag)
        for name, value in element.attrib.items():
            if name in ("src", "href", "xlink:href", "srcset", "action", "data", "poster") or \
               name.endswith("}href"):
                found.append("%s %s=%s" % (element.tag, name, value))
            if name.startswith("on"):
                found.append("%s %s (script)" % (element.tag, name))
    style = "".join(s.text or "" for s in root.iter("style")) + \
        "".join(e.get("style") for e in root.iter() if isinstance(e.tag, str) and e.get("style"))
    if re.search(r"url\s*\(|@import|@font-face", style):
        found.append("style sheet reference")
    if re.search(r"(?i)https?:", open(path, encoding="utf-8").read()):
        found.append("an http URL in the text")
    print("\n".join(found) if found else "none")


def png(path, width):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    w, h, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, "unexpected PNG format"
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * channels
    previous = bytearray(stride)
    previous_count = 0
    not_white = 0
    pos = 0
    for _ in range(h):
        kind = raw[pos]
        line = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        if kind == 2 and not any(line):
            # The row above again (most of a page's rows): counted as it was.
            not_white += previous_count
            continue
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        previous_count = sum(1 for i in range(0, stride, channels)
                             if line[i] < 240 or line[i + 1] < 240 or line[i + 2] < 240)
        not_white += previous_count
        previous = line
    print("%dx%d, %d%% not white" % (w, h, 100 * not_white // (w * h)) if w == width
          else "width %d, not %d" % (w, width))


def wilson(k, n):
    p = k / n
    z2 = Z90 * Z90
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z90 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    print("%.4f %.4f" % (100 * (centre - half), 100 * (centre + half)))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "dump":
        dump(sys.argv[2])
    elif command == "external":
        external(sys.argv[2])
    elif command == "png":
        png(sys.argv[2], int(sys.argv[3]))
    elif command == "wilson":
        wilson(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit("unknown command " + command)
