#!/usr/bin/env python3
"""Oracle: checks a medcnn HTML classification report against its inputs.

usage: report_check.py REPORT.html EVALUATION.json [HISTORY.csv]

Independent of the C++ code: it reads the page with the standard library only
(html.parser, xml.etree) and compares what is drawn and written with the
evaluation JSON and the training-history CSV:
  - the HTML's elements are balanced and every <svg> element parses as XML;
  - the page is self-contained (no script, link, img, iframe, object, embed,
    src=, @import, url() or href= leaving the page; http(s):// appears only
    as the SVG namespace);
  - ROC and PR polylines: as many points as the JSON curve, and the pixel
    coordinates map back (through the plot's data-x0/x1/y0/y1 and
    data-px0/px1/py0/py1 attributes) to the JSON values; the chance diagonal,
    the prevalence baseline and the operating point sit where they should;
  - the confusion matrix cells show the JSON counts and row percentages, the
    shading grows with the row fraction, the class names label rows/columns;
  - the metrics table and per-class table hold the JSON values (4 significant
    digits), "n/a" for null, and the 95% CI;
  - each history column is drawn in the right training chart (losses, lr,
    metrics) with one point per non-empty cell at (epoch, value).
Prints {"errors": [...], "counts": {...}}; exit code 0 unless the inputs
cannot be read.
"""
import csv
import json
import math
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

SVG_NS = "http://www.w3.org/2000/svg"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}

errors = []
counts = {}


def err(msg):
    errors.append(msg)


def tag(el):
    return el.tag.split("}", 1)[-1]


def classes(el):
    return (el.get("class") or "").split()


# ---------------------------------------------------------------- HTML pass
class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.tags = []
        self.rows = {}        # data-metric -> {"value": text, "ci": text}
        self.class_rows = {}  # data-class -> {data-key: text}
        self.tr = None
        self.td = None
        self.text = []

    def handle_starttag(self, t, attrs):
        a = dict(attrs)
        self.tags.append((t, a))
        if t not in VOID:
            self.stack.append(t)
        if t == "tr":
            self.tr = a
        if t == "td" and self.tr is not None:
            self.td = a
            self.text = []

    def handle_startendtag(self, t, attrs):
        self.tags.append((t, dict(attrs)))

    def handle_endtag(self, t):
        if t in VOID:
            return
        if not self.stack or self.stack[-1] != t:
            err("unbalanced HTML: </%s> closes <%s>" % (t, self.stack[-1] if self.stack else "nothing"))
            if t in self.stack:
                while self.stack and self.stack.pop() != t:
                    pass
            return
        self.stack.pop()
        if t == "td" and self.td is not None and self.tr is not None:
            text = "".join(self.text).strip()
            if "data-metric" in self.tr:
                row = self.rows.setdefault(self.tr["data-metric"], {})
                row[self.td.get("class", "")] = text
            if "data-class" in self.tr:
                row = self.class_rows.setdefault(self.tr["data-class"], {})
                row[self.td.get("data-key", "")] = text
            self.td = None
        if t == "tr":
            self.tr = None

    def handle_data(self, d):
        if self.td is not None:
            self.text.append(d)


def svg_blocks(text):
    """Top-level <svg>...</svg> substrings."""
    out, depth, start = [], 0, 0
    for m in re.finditer(r"<svg\b|</svg>", text):
        if m.group(0) == "</svg>":
            depth -= 1
            if depth == 0:
                out.append(text[start:m.end()])
        else:
            if depth == 0:
                start = m.start()
            depth += 1
    if depth != 0:
        err("unbalanced <svg> tags")
    return out


def check_self_contained(text):
    low = text.lower()
    for bad in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", " src="):
        if bad in low:
            err("not self-contained: found %r" % bad)
    for m in re.finditer(r"\bhref\s*=\s*[\"']([^\"']*)[\"']", text):
        if not m.group(1).startswith("#"):
            err("not self-contained: href=%r" % m.group(1))
    for m in re.finditer(r"url\(\s*['\"]?([^)'\"]*)", low):
        if not m.group(1).startswith("#"):
            err("not self-contained: url(%s)" % m.group(1))
    allowed = 'xmlns="http://www.w3.org/2000/svg"'
    n_ns = text.count(allowed)
    n_http = len(re.findall(r"https?://", text))
    if n_http != n_ns:
        err("not self-contained: %d http(s):// references besides the SVG namespace" % (n_http - n_ns))


# ---------------------------------------------------------------- charts
class Mapping:
    def __init__(self, plot):
        g = lambda k: float(plot.get(k))
        self.x0, self.x1, self.y0, self.y1 = g("data-x0"), g("data-x1"), g("data-y0"), g("data-y1")
        self.px0, self.px1, self.py0, self.py1 = g("data-px0"), g("data-px1"), g("data-py0"), g("data-py1")
        # One pixel rounding step (0.005 px) in data units, with some slack.
        self.tx = abs(self.x1 - self.x0) / abs(self.px1 - self.px0) * 0.011
        self.ty = abs(self.y1 - self.y0) / abs(self.py1 - self.py0) * 0.011

    def data(self, px, py):
        x = self.x0 + (px - self.px0) / (self.px1 - self.px0) * (self.x1 - self.x0)
        y = self.y0 + (py - self.py0) / (self.py1 - self.py0) * (self.y1 - self.y0)
        return x, y


def find_chart(svgs, kind):
    for s in svgs:
        if s.get("data-chart") == kind:
            return s
    return None


def plot_of(chart):
    for el in chart.iter():
        if tag(el) == "svg" and "plot" in classes(el):
            return el
    return None


def polylines(chart):
    return [el for el in chart.iter() if tag(el) == "polyline" and "series" in classes(el)]


def points_of(poly):
    pts = []
    for tok in poly.get("points", "").split():
        x, y = tok.split(",")
        pts.append((float(x), float(y)))
    return pts


def finite_pairs(xs, ys):
    out = []
    for x, y in zip(xs, ys):
        if x is None or y is None:
            continue
        if isinstance(x, str) or isinstance(y, str):
            continue
        if math.isfinite(x) and math.isfinite(y):
            out.append((float(x), float(y)))
    return out


def check_series(label, mapping, poly, expected):
    """expected: list of (x, y) data points in drawing order."""
    pts = points_of(poly)
    if poly.get("data-step") == "post":
        if len(pts) != max(0, 2 * len(expected) - 1):
            err("%s: step polyline has %d points for %d data points" % (label, len(pts), len(expected)))
            return 0
        corners = pts[1::2]
        pts = pts[0::2]
        for i, (cx, cy) in enumerate(corners):
            # corner i sits at (x[i+1], y[i])
            if abs(cx - pts[i + 1][0]) > 0.011 or abs(cy - pts[i][1]) > 0.011:
                err("%s: step corner %d is not at (x[i+1], y[i])" % (label, i))
                break
    if len(pts) != len(expected):
        err("%s: %d points drawn, JSON has %d" % (label, len(pts), len(expected)))
        return 0
    if poly.get("data-n") != str(len(expected)):
        err("%s: data-n=%s, expected %d" % (label, poly.get("data-n"), len(expected)))
    for i, ((px, py), (ex, ey)) in enumerate(zip(pts, expected)):
        x, y = mapping.data(px, py)
        if abs(x - ex) > mapping.tx or abs(y - ey) > mapping.ty:
            err("%s: point %d maps back to (%.6g, %.6g), JSON has (%.6g, %.6g)" % (label, i, x, y, ex, ey))
            return 0
    return len(expected)


def metric_value(ev, name):
    m = (ev.get("metrics") or {}).get(name)
    if isinstance(m, dict):
        m = m.get("value")
    return m if isinstance(m, (int, float)) else None


def close_text(text, value):
    """True when text shows value to 4 significant digits (or n/a for None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return text == "n/a"
    try:
        shown = float(text)
    except ValueError:
        return False
    return abs(shown - value) <= 6e-4 * abs(value) + 1e-12


def legend_texts(chart):
    out = []
    for g in chart.iter():
        if tag(g) == "g" and "legend" in classes(g):
            out += ["".join(t.itertext()) for t in g.iter() if tag(t) == "text"]
    return out


def check_legend_value(label, chart, series_index, key, value):
    if value is None:
        return
    texts = legend_texts(chart)
    if series_index >= len(texts):
        err("%s: no legend entry %d" % (label, series_index))
        return
    m = re.search(re.escape(key) + r" = (-?[0-9.e+-]+)", texts[series_index])
    if not m or not close_text(m.group(1), value):
        err("%s: legend %r does not show %s = %s" % (label, texts[series_index], key, value))


def check_roc_pr(svgs, ev):
    binary = "roc" in ev and ev["roc"] is not None
    k = len(ev["classes"])
    # ---- ROC
    roc = find_chart(svgs, "roc")
    curves = []
    if binary:
        curves = [("ROC", ev["roc"], metric_value(ev, "auc"))]
    else:
        for i, pc in enumerate(ev.get("per_class") or []):
            if pc.get("roc"):
                curves.append(("ROC class %d" % i, pc["roc"], pc.get("auc")))
    if not curves:
        if roc is not None:
            err("ROC chart drawn without ROC data")
    elif roc is None:
        err("no ROC chart")
    else:
        mp = Mapping(plot_of(roc))
        polys = polylines(roc)
        if len(polys) != len(curves):
            err("ROC: %d curves drawn, expected %d" % (len(polys), len(curves)))
        n = 0
        for i, ((label, c, auc), poly) in enumerate(zip(curves, polys)):
            n += check_series(label, mp, poly, finite_pairs(c["fpr"], c["tpr"]))
            check_legend_value(label, roc, i, "AUC", auc)
        counts["roc_series"] = len(polys)
        counts["roc_points"] = n
        diag = [el for el in roc.iter() if tag(el) == "line" and "diagonal" in classes(el)]
        if len(diag) != 1:
            err("ROC: %d diagonals" % len(diag))
        else:
            d = diag[0]
            a = mp.data(float(d.get("x1")), float(d.get("y1")))
            b = mp.data(float(d.get("x2")), float(d.get("y2")))
            if max(abs(a[0]), abs(a[1]), abs(b[0] - 1), abs(b[1] - 1)) > 1e-3:
                err("ROC: the diagonal runs from %s to %s" % (a, b))
        # Operating point (binary): (fpr, sensitivity).
        ops = [el for el in roc.iter() if tag(el) == "circle" and "operating-point" in classes(el)]
        if binary:
            sens = metric_value(ev, "sensitivity")
            fpr = metric_value(ev, "fpr")
            if fpr is None and metric_value(ev, "specificity") is not None:
                fpr = 1 - metric_value(ev, "specificity")
            if sens is not None and fpr is not None:
                if len(ops) != 1:
                    err("ROC: %d operating points, expected 1" % len(ops))
                else:
                    x, y = mp.data(float(ops[0].get("cx")), float(ops[0].get("cy")))
                    if abs(x - fpr) > mp.tx or abs(y - sens) > mp.ty:
                        err("ROC: operating point at (%g, %g), expected (%g, %g)" % (x, y, fpr, sens))
                    label = " ".join("".join(t.itertext()) for t in roc.iter() if tag(t) == "text")
                    thr = ev.get("threshold")
                    if thr is not None and ("threshold " + fmt4(thr)) not in label:
                        err("ROC: operating point label lacks 'threshold %s'" % fmt4(thr))
                    counts["operating_point"] = 1
        elif ops:
            err("ROC: operating point on a multi-class chart")
    # ---- PR
    pr = find_chart(svgs, "pr")
    curves = []
    cc = ev.get("class_counts")
    if not cc:
        cc = [sum(r) for r in ev["confusion_matrix"]]
    total = float(sum(cc))
    if binary and ev.get("pr"):
        pos = ev.get("positive_class", 1)
        curves = [("PR", ev["pr"], metric_value(ev, "average_precision"), cc[pos] / total)]
    elif not binary:
        for i, pc in enumerate(ev.get("per_class") or []):
            if pc.get("pr"):
                j = ev["classes"].index(pc["class"]) if pc.get("class") in ev["classes"] else i
                curves.append(("PR class %d" % i, pc["pr"], pc.get("average_precision"), cc[j] / total))
    if not curves:
        if pr is not None:
            err("PR chart drawn without PR data")
        return
    if pr is None:
        err("no PR chart")
        return
    mp = Mapping(plot_of(pr))
    polys = polylines(pr)
    if len(polys) != len(curves):
        err("PR: %d curves drawn, expected %d" % (len(polys), len(curves)))
    n = 0
    for i, ((label, c, ap, _), poly) in enumerate(zip(curves, polys)):
        pts = finite_pairs(c["recall"], c["precision"])
        if len(pts) > 1 and pts[0][0] < pts[-1][0]:
            pts = pts[::-1]  # drawn in the order of decreasing recall
        n += check_series(label, mp, poly, pts)
        check_legend_value(label, pr, i, "AP", ap)
    counts["pr_points"] = n
    baselines = [el for el in pr.iter() if tag(el) == "line" and "baseline" in classes(el)]
    if len(baselines) != len(curves):
        err("PR: %d prevalence baselines, expected %d" % (len(baselines), len(curves)))
    for b, (label, _, _, prev) in zip(baselines, curves):
        y1 = mp.data(0, float(b.get("y1")))[1]
        y2 = mp.data(0, float(b.get("y2")))[1]
        if abs(y1 - prev) > mp.ty or abs(y2 - prev) > mp.ty:
            err("%s: baseline at %g, prevalence is %g" % (label, y1, prev))
    counts["pr_baselines"] = len(baselines)


def fmt4(v):
    """The C++ side's 4-significant-digit text for simple values (thresholds)."""
    if v == int(v):
        return str(int(v))
    return ("%.4g" % v)


def check_confusion(svgs, ev):
    cm = ev["confusion_matrix"]
    names = ev["classes"]
    k = len(names)
    chart = find_chart(svgs, "confusion")
    if chart is None:
        err("no confusion matrix")
        return
    count_text, pct_text, cells = {}, {}, {}
    row_labels, col_labels = {}, {}
    for el in chart.iter():
        c = classes(el)
        if tag(el) == "text" and "count" in c:
            count_text[(int(el.get("data-row")), int(el.get("data-col")))] = "".join(el.itertext())
        elif tag(el) == "text" and "percent" in c:
            pct_text[(int(el.get("data-row")), int(el.get("data-col")))] = "".join(el.itertext())
        elif tag(el) == "rect" and "cell" in c:
            cells[(int(el.get("data-row")), int(el.get("data-col")))] = el
        elif tag(el) == "text" and "row-label" in c:
            row_labels[int(el.get("data-row"))] = "".join(el.itertext())
        elif tag(el) == "text" and "col-label" in c:
            col_labels[int(el.get("data-col"))] = "".join(el.itertext())
    if len(cells) != k * k or len(count_text) != k * k or len(pct_text) != k * k:
        err("confusion: %d cells, %d counts, %d percentages for %d classes"
            % (len(cells), len(count_text), len(pct_text), k))
        return
    shade = []
    for i in range(k):
        row_sum = float(sum(cm[i]))
        for j in range(k):
            v = cm[i][j]
            want = str(int(v)) if float(v).is_integer() else None
            if want is not None and count_text[(i, j)] != want:
                err("confusion[%d][%d] shows %r, JSON has %s" % (i, j, count_text[(i, j)], v))
            want_pct = "%.1f%%" % (100.0 * v / row_sum) if row_sum > 0 else "\u2013"
            if pct_text[(i, j)] != want_pct:
                err("confusion[%d][%d] shows %r, expected %r" % (i, j, pct_text[(i, j)], want_pct))
            frac = v / row_sum if row_sum > 0 else 0.0
            shade.append((frac, float(cells[(i, j)].get("fill-opacity"))))
    shade.sort()
    for (f1, o1), (f2, o2) in zip(shade, shade[1:]):
        if f2 > f1 + 1e-9 and not o2 > o1:
            err("confusion: shading does not grow with the row fraction (%g:%g, %g:%g)" % (f1, o1, f2, o2))
            break
    for i, n in enumerate(names):
        if row_labels.get(i) != n:
            err("confusion: row %d labelled %r, class is %r" % (i, row_labels.get(i), n))
        if col_labels.get(i) != n:
            err("confusion: column %d labelled %r, class is %r" % (i, col_labels.get(i), n))
    counts["cm_cells"] = len(cells)


def check_tables(page, ev):
    metrics = ev.get("metrics") or {}
    n = 0
    for name, m in metrics.items():
        row = page.rows.get(name)
        if row is None:
            err("metrics table: no row for %s" % name)
            continue
        value = m.get("value") if isinstance(m, dict) else m
        if not close_text(row.get("value", ""), value):
            err("metrics table: %s shows %r, JSON has %r" % (name, row.get("value"), value))
        ci = m.get("ci95") if isinstance(m, dict) else None
        ci_text = row.get("ci", "")
        if ci is None:
            if ci_text:
                err("metrics table: %s shows a CI %r, JSON has none" % (name, ci_text))
        else:
            parts = [p.strip() for p in ci_text.split("\u2013")]
            if len(parts) != 2 or not all(close_text(p, v) for p, v in zip(parts, ci)):
                err("metrics table: %s CI shows %r, JSON has %r" % (name, ci_text, ci))
        n += 1
    counts["metrics_rows"] = n
    if len(page.rows) != len(metrics):
        err("metrics table: %d rows for %d metrics" % (len(page.rows), len(metrics)))
    n = 0
    for i, pc in enumerate(ev.get("per_class") or []):
        row = page.class_rows.get(str(i))
        if row is None:
            err("per-class table: no row %d" % i)
            continue
        for key in ("support", "auc", "average_precision", "sensitivity", "specificity",
                    "precision", "f1"):
            if key in pc:
                if not close_text(row.get(key, ""), pc[key]):
                    err("per-class table: class %d %s shows %r, JSON has %r" % (i, key, row.get(key), pc[key]))
                n += 1
    counts["per_class_values"] = n


def check_training(svgs, history_path):
    kinds = ("losses", "metrics", "metrics-other", "lr")
    charts = {k: find_chart(svgs, k) for k in kinds}
    if history_path is None:
        for k, c in charts.items():
            if c is not None:
                err("training chart %s drawn without a history" % k)
        counts["training_series"] = 0
        return
    with open(history_path, newline="") as f:
        rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    header = [h.strip() for h in rows[0]]
    data = rows[1:]
    n = 0
    for ci, name in enumerate(header[1:], start=1):
        pts = []
        for r in data:
            cell = r[ci].strip()
            if cell and cell.lower() not in ("nan", "na", "n/a"):
                v = float(cell)
                if math.isfinite(v):
                    pts.append((float(r[0]), v))
        if not pts:
            continue
        if name == "lr" or name.startswith("lr_") or name == "learning_rate":
            want = ("lr",)
        elif name.lower().endswith("loss"):
            want = ("losses",)
        else:
            want = ("metrics", "metrics-other")
        found = None
        for k in want:
            c = charts[k]
            if c is None:
                continue
            for poly in polylines(c):
                if poly.get("data-series") == name:
                    found = (c, poly)
        if found is None:
            err("training: column %s is not drawn in a %s chart" % (name, "/".join(want)))
            continue
        n += 1 if check_series("training " + name, Mapping(plot_of(found[0])), found[1], pts) else 0
    counts["training_series"] = n


def main():
    report_path, eval_path = sys.argv[1], sys.argv[2]
    history_path = sys.argv[3] if len(sys.argv) > 3 else None
    text = open(report_path, encoding="utf-8").read()
    ev = json.load(open(eval_path))

    page = Page()
    page.feed(text)
    page.close()
    if page.stack:
        err("unclosed HTML elements: %s" % page.stack)
    if not text.lstrip().lower().startswith("<!doctype html>"):
        err("no <!DOCTYPE html>")
    check_self_contained(text)

    svgs = []
    for block in svg_blocks(text):
        try:
            root = ET.fromstring(block)
        except ET.ParseError as e:
            err("an <svg> element is not valid XML: %s" % e)
            continue
        if root.tag != "{%s}svg" % SVG_NS:
            err("an <svg> root has tag %s" % root.tag)
        svgs.append(root)
    counts["svg"] = len(svgs)

    check_roc_pr(svgs, ev)
    check_confusion(svgs, ev)
    check_tables(page, ev)
    check_training(svgs, history_path)
    print(json.dumps({"errors": errors, "counts": counts}))


if __name__ == "__main__":
    main()
