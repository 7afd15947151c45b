#!/usr/bin/env bash
# Renders the HTML reports of examples/clips (and of a file with a hostile name) in a real
# browser, headless Chromium with no network, and checks:
#  - --dump-dom: the verdict text and the timeline <svg> are in the DOM, no <script> element;
#  - --print-to-pdf + pdftotext: the PDF is A4 and holds the verdict, the clip's sha256 and
#    every word of the page's text, each inside the page (nothing is cut off when printed:
#    Chromium clips what overflows, so a cut-off word would be missing);
#  - every page stays under 1 MB.
# Usage: scripts/browser-check.sh VOXSCREEN_BINARY [OUT_DIR]   (needs chromium, poppler-utils)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "$1")
out=${2:-$root/target/browser-check}
cd "$root"
rm -rf "$out"
mkdir -p "$out/clips"
cp examples/clips/* "$out/clips/"
cp examples/clips/synthetic_espeak.wav "$out/clips/<script>alert(1)<!-- & \"quote\".wav"
"$bin" report --no-progress --out "$out/reports" "$out/clips" >/dev/null 2>"$out/report.log" || {
  echo "voxscreen report failed"; cat "$out/report.log"; exit 1; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-extensions \
    --user-data-dir="$profile" "$@" 2>/dev/null
}

fail=0
pages=0
for page in "$out"/reports/*.html; do
  pages=$((pages + 1))
  name=$(basename "$page")
  size=$(stat -c %s "$page")
  [ "$size" -lt 1000000 ] || { echo "FAIL $name: $size bytes"; fail=1; }
  chrome --dump-dom "file://$page" >"$out/$name.dom"
  pdf="$out/$name.pdf"
  chrome --no-pdf-header-footer --print-to-pdf="$pdf" "file://$page" >/dev/null
  [ -s "$pdf" ] || { echo "FAIL $name: no PDF"; fail=1; continue; }
  pdftotext -raw "$pdf" "$out/$name.txt"   # content order: a wrapped table cell stays together
  pdftotext -bbox "$pdf" "$out/$name.bbox.html"
  python3 - "$page" "$out/$name.dom" "$out/$name.txt" "$out/$name.bbox.html" <<'EOF' || fail=1
import html, re, sys
from html.parser import HTMLParser

page, dom_path, text_path, bbox_path = sys.argv[1:]
name = page.rsplit("/", 1)[-1]
source = open(page, encoding="utf-8").read()
dom = open(dom_path, encoding="utf-8").read()
text = open(text_path, encoding="utf-8").read()
flat = re.sub(r"\s+", "", text)
problems = []


class Elements(HTMLParser):
    """Element names and the visible words (outside <style> and <title>)."""

    def __init__(self):
        super().__init__()
        self.tags = set()
        self.hidden = 0
        self.words = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.hidden += tag in ("style", "title")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("style", "title")

    def handle_data(self, data):
        if not self.hidden:
            self.words += data.split()


parsed = Elements()
parsed.feed(dom)
if "script" in parsed.tags:
    problems.append("the DOM holds a <script> element")
missing = [w for w in parsed.words if w not in flat]
if missing:
    problems.append(f"{len(missing)} words of the page are missing from the PDF (cut off?), e.g. {missing[:5]}")
if name == "index.html":
    for needed in ("likely_synthetic", "likely_genuine", "not_applicable", "open"):
        if needed not in dom or needed not in text:
            problems.append(f"index lacks {needed}")
else:
    verdict = re.search(r"VERDICT: ([a-z_]+)", source).group(1)
    if f"VERDICT: {verdict}" not in dom:
        problems.append("the DOM lacks the verdict")
    if f"VERDICT:{verdict}" not in flat:
        problems.append("the PDF text lacks the verdict")
    if verdict != "error" and "svg" not in parsed.tags:
        problems.append("the DOM lacks the timeline <svg>")
    sha = re.search(r"<th scope=\"row\">sha256</th><td class=\"mono\">([0-9a-f]{64})</td>", source)
    if sha is None:
        problems.append("the page lacks the sha256")
    elif sha.group(1) not in text:
        problems.append("the PDF text lacks the sha256 on one line")
    if "&lt;script&gt;" in source and "<script>alert(1)" not in flat:
        problems.append("hostile name not shown as text")
# Nothing outside the page: every word's box lies within the A4 page.
pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', open(bbox_path).read(), re.S)
if not pages:
    problems.append("no page in the PDF")
for width, height, body in pages:
    w, h = float(width), float(height)
    if abs(w - 595.3) > 2 or abs(h - 841.9) > 2:
        problems.append(f"page is {w} x {h} pt, not A4")
    for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', body):
        if float(x0) < 0 or float(y0) < 0 or float(x1) > w + 0.5 or float(y1) > h + 0.5:
            problems.append(f"word {html.unescape(word)!r} lies outside the page")
            break
for p in problems:
    print(f"FAIL {name}: {p}")
sys.exit(1 if problems else 0)
EOF
done
[ "$pages" -ge 10 ] || { echo "FAIL: only $pages pages rendered"; fail=1; }
if [ "$fail" -ne 0 ]; then
  echo "browser check failed (outputs in $out)"
  exit 1
fi
echo "browser check: $pages pages render in Chromium, print on A4 without cut-off text, hold verdict and sha256, no script"
