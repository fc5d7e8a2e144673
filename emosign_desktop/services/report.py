"""The evaluation as text tables (``emosign evaluate``) and as one self-contained HTML file
(``--html``): tables, a confusion-matrix picture per run and task (cells shaded *and*
numbered), bias bars (predicted against true label counts) and the annotators' agreement as
the human ceiling beside the models, and (when the report carries it) where it comes from:
the app's version, the time, the project and the prediction files with their SHA-256.
Pictures are inline SVG drawn here: no network, no external style sheet or script, no
plotting library.  Every name is escaped."""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path

from emosign_desktop.analysis.metrics import Scores
from emosign_desktop.core.errors import EmoSignError
from emosign_desktop.services.evaluation import (
    EvaluationReport,
    HumanAgreement,
    RunAnswer,
    RunReport,
    VideoDisagreement,
)
from emosign_desktop.services.provenance import Provenance

TASKS = (("sentiment3", "Sentiment, 3 classes"), ("sentiment7", "Sentiment, 7 classes"),
         ("emotion", "Emotion, single-expression set"))


def _num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def task_scores(run: RunReport, key: str) -> Scores | None:
    """A run's scores on one task (``sentiment3``, ``sentiment7`` or ``emotion``)."""
    if key == "sentiment3":
        return run["sentiment3"]
    if key == "sentiment7":
        return run["sentiment7"]
    if key == "emotion":
        return run["emotion"]
    raise KeyError(key)


def _answer(a: RunAnswer) -> str:
    sentiment = "—" if a["sentiment"] is None else f"{a['sentiment']:+d}"
    return f"{a['model']} ({a['setting']}): {sentiment}, {a['emotion'] or '—'}"


def run_title(run: RunReport) -> str:
    """A run's name as shown: ``model (setting)``."""
    return f"{run['model']} ({run['setting']})"


# -- text ------------------------------------------------------------------------------------

def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = ["  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in (header, *rows)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def text_report(report: EvaluationReport) -> str:
    """The evaluation as plain-text tables (percent, 2 decimals)."""
    t = report["tasks"]
    out = [f"reference: {report['reference']} ({report['reference_kind']})",
           f"videos with reference labels: {t['videos']}; sentiment: {t['sentiment']}; "
           f"single-expression: {t['single_expression']}; multi-expression: "
           f"{t['multi_expression']} (dropped, combination in 2 videos or fewer: "
           f"{t['dropped']})"]
    if t["multi_combinations"]:
        out.append("multi-expression combinations: " + "; ".join(
            f"{' + '.join(c['labels'])} ({c['videos']})" for c in t["multi_combinations"]))
    out.append("scores in percent; a video a run gives no answer for counts as wrong")
    out.append("")
    header = ["run", "s3 wAcc", "s3 wF1", "s3 Acc", "s7 wAcc", "s7 wF1", "s7 Acc",
              "emo wAcc", "emo wF1", "emo Acc", "multi hit", "answered"]
    rows = []
    for run in report["runs"]:
        row = [run_title(run)]
        for key, _title in TASKS:
            s = task_scores(run, key)
            row += [_num(s["wacc"]), _num(s["wf1"]), _num(s["acc"])] if s else ["—"] * 3
        multi = run["multi_expression"]
        row.append(_num(multi["hit_rate"]) if multi else "—")
        row.append(_coverage(run))
        rows.append(row)
    out += _table(header, rows)
    labels = report["labels"]["emotion"]
    emo_rows = [[run_title(r), *(_num(r["emotion"]["per_class_acc"].get(lab)) for lab in labels)]
                for r in report["runs"] if r["emotion"]]
    if emo_rows:
        out += ["", "emotion: accuracy per class (recall)"]
        out += _table(["run", *labels], emo_rows)
    lean = [[run_title(r), *_lean(r["sentiment3"])] for r in report["runs"] if r["sentiment3"]]
    if lean:
        out += ["", "sentiment, 3 classes: predicted / true counts (the lean)"]
        out += _table(["run", *report["labels"]["sentiment3"], "(none)"], lean)
    ground = [r for r in report["runs"] if r["grounding"]]
    if ground:
        k = report["boundary_frames"]
        out += ["", f"cue grounding against tier '{report['grounding_tier']}' "
                    f"(boundaries within ±{k} frames)"]
        g_rows = []
        for r in ground:
            g = r["grounding"]
            assert g is not None
            g_rows.append([run_title(r), str(g["predicted_segments"]), str(g["human_segments"]),
                           str(g["matched"]), _num(g["mean_tiou"]), _num(g["boundary_f1"]),
                           _num(g["mean_box_iou"])])
        out += _table(["run", "predicted", "human", "matched", "tIoU", "boundary F1",
                       "box IoU"], g_rows)
    out += ["", *_human_text(report["human_agreement"])]
    return "\n".join(out)


def _coverage(run: RunReport) -> str:
    parts = []
    for key, short in (("sentiment3", "s"), ("emotion", "e")):
        s = task_scores(run, key)
        if s:
            parts.append(f"{short} {s['answered']}/{s['n']}")
    return ", ".join(parts) or "—"


def _lean(s: Scores | None) -> list[str]:
    if s is None:
        return []
    d = s["distribution"]
    return [f"{p}/{t}" for p, t in zip(d["predicted"], d["true"], strict=True)]


def _human_text(h: HumanAgreement | None) -> list[str]:
    if h is None:
        return ["human ceiling: fewer than 2 annotators rated videos (no agreement to show)"]
    return [f"human ceiling: Krippendorff's alpha ({h['level']}) of the annotators "
            f"{', '.join(h['annotators'])}",
            "  " + "; ".join(f"{k} {_num(v, 3)}" for k, v in h["labels"].items()),
            f"  average {_num(h['average'], 3)}"]


# -- HTML ------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111;background:#fff;max-width:80rem}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #999}
h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #888;padding:.2rem .45rem;text-align:right}
th:first-child,td:first-child{text-align:left}
caption{text-align:left;font-weight:600;padding:.2rem 0}
.side{display:flex;flex-wrap:wrap;gap:2rem;align-items:flex-start}
.pics{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
figure{margin:0}figcaption{font-size:.9rem;max-width:32rem}
.note{font-size:.9rem;color:#333}
svg text{font-family:system-ui,sans-serif}
td.hash{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all;text-align:left}
"""

_ids = itertools.count(1)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _shade(share: float) -> tuple[str, str]:
    """Fill and text colour for a cell with ``share`` (0..1) of its row: light to dark blue,
    text black on light cells and white on dark ones (contrast at least 4.5:1)."""
    share = min(max(share, 0.0), 1.0)
    lo, hi = (247, 251, 255), (8, 48, 107)
    r, g, b = (round(a + (z - a) * share) for a, z in zip(lo, hi, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}", "#ffffff" if share > 0.45 else "#000000"


def confusion_svg(scores: Scores, title: str) -> str:
    """A confusion matrix: rows true labels, columns predicted; each cell shaded by its share
    of the row and numbered with its count."""
    c = scores["confusion"]
    rows, cols, m = c["labels"], c["columns"], c["matrix"]
    cell = 38
    left = 12 + 7 * max(len(x) for x in rows)
    top = 12 + 6 * max(len(x) for x in cols)
    width = max(left + cell * len(cols) + 10, left + 200)
    height = top + cell * len(rows) + 48
    parts = [f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{_e(title)}</title>']
    for j, name in enumerate(cols):
        x = left + cell * j + cell / 2
        parts.append(f'<text x="{x:.0f}" y="{top - 6}" font-size="11" '
                     f'transform="rotate(-50 {x:.0f} {top - 6})">{_e(name)}</text>')
    for i, name in enumerate(rows):
        total = sum(m[i])
        y = top + cell * i
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4:.0f}" font-size="11" '
                     f'text-anchor="end">{_e(name)}</text>')
        for j, count in enumerate(m[i]):
            fill, ink = _shade(count / total if total else 0.0)
            x = left + cell * j
            parts.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                         f'fill="{fill}" stroke="#999"><title>true {_e(name)}, predicted '
                         f'{_e(cols[j])}: {count}</title></rect>')
            parts.append(f'<text x="{x + cell / 2:.0f}" y="{y + cell / 2 + 4:.0f}" '
                         f'font-size="12" text-anchor="middle" fill="{ink}">{count}</text>')
    for i in range(min(len(rows), len(cols))):  # the diagonal, outlined over the grid
        parts.append(f'<rect x="{left + cell * i + 1}" y="{top + cell * i + 1}" '
                     f'width="{cell - 2}" height="{cell - 2}" fill="none" stroke="#000" '
                     'stroke-width="2"/>')
    y = top + cell * len(rows) + 16
    for n, line in enumerate(("rows: true label; columns: predicted",
                              "number: videos; shade: share of the row",
                              "correct answers outlined (diagonal)")):
        parts.append(f'<text x="{left}" y="{y + 13 * n}" font-size="11">{line}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bias_svg(scores: Scores, title: str) -> str:
    """Bias bars: per label, how many videos have it as the truth (solid grey) and how many
    the run predicts it (hatched blue), each bar numbered."""
    d = scores["distribution"]
    labels, true, pred = d["labels"], d["true"], d["predicted"]
    peak = max([*true, *pred, 1])
    uid = next(_ids)
    left = 12 + 7 * max(len(x) for x in labels)
    bar, gap, span = 11, 8, 220
    height = 40 + (2 * bar + gap) * len(labels)
    width = left + span + 60
    parts = [f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{_e(title)}</title>',
             f'<defs><pattern id="hatch{uid}" width="6" height="6" '
             f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
             f'<rect width="6" height="6" fill="#c6dbef"/>'
             f'<line x1="0" y1="0" x2="0" y2="6" stroke="#08306b" stroke-width="3"/>'
             f'</pattern></defs>',
             f'<rect x="{left}" y="4" width="12" height="10" fill="#555"/>'
             f'<text x="{left + 16}" y="13" font-size="11">true</text>'
             f'<rect x="{left + 60}" y="4" width="12" height="10" fill="url(#hatch{uid})" '
             f'stroke="#08306b"/><text x="{left + 76}" y="13" font-size="11">predicted</text>']
    for i, name in enumerate(labels):
        y = 24 + (2 * bar + gap) * i
        parts.append(f'<text x="{left - 6}" y="{y + bar + 4}" font-size="11" '
                     f'text-anchor="end">{_e(name)}</text>')
        for k, (value, fill) in enumerate(((true[i], 'fill="#555"'),
                                           (pred[i], f'fill="url(#hatch{uid})" '
                                                     'stroke="#08306b"'))):
            w = span * value / peak
            yy = y + k * bar
            who = "true" if k == 0 else "predicted"
            parts.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar - 1}" '
                         f'{fill}><title>{_e(name)}, {who}: {value}</title></rect>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{yy + bar - 2}" '
                         f'font-size="10">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def agreement_svg(h: HumanAgreement) -> str:
    """The annotators' alpha per label as bars on 0..1 (a negative alpha drawn at 0, its
    value printed), with the average as a dashed line."""
    labels = [*h["labels"].items()]
    left = 12 + 7 * max(len(k) for k, _v in labels)
    span, row = 220, 18
    height = 46 + row * len(labels)
    width = left + span + 60
    title = "Krippendorff's alpha of the annotators per label"
    parts = [f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{_e(title)}</title>']
    for i, (name, alpha) in enumerate(labels):
        y = 10 + row * i
        parts.append(f'<text x="{left - 6}" y="{y + 12}" font-size="11" '
                     f'text-anchor="end">{_e(name)}</text>')
        w = span * max(alpha or 0.0, 0.0)
        parts.append(f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" '
                     f'fill="#555"><title>{_e(name)}: {_num(alpha, 3)}</title></rect>')
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 12}" font-size="10">'
                     f'{_e(_num(alpha, 3) if alpha is not None else "undefined")}</text>')
    avg = h["average"]
    base = 10 + row * len(labels)
    if avg is not None:
        x = left + span * max(avg, 0.0)
        parts.append(f'<line x1="{x:.1f}" y1="6" x2="{x:.1f}" y2="{base}" stroke="#000" '
                     'stroke-dasharray="4 3" stroke-width="1.5"/>')
        parts.append(f'<text x="{left}" y="{base + 16}" font-size="11">dashed line: average '
                     f'{_num(avg, 3)}</text>')
    parts.append(f'<text x="{left}" y="{base + 30}" font-size="11">scale 0 to 1</text>')
    parts.append("</svg>")
    return "".join(parts)


def _html_table(caption: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(
        (f'<th scope="row">{_e(c)}</th>' if i == 0 else f"<td>{_e(c)}</td>")
        for i, c in enumerate(r)) + "</tr>" for r in rows)
    return (f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _summary_rows(report: EvaluationReport) -> Iterator[list[str]]:
    for run in report["runs"]:
        row = [run_title(run)]
        for key, _title in TASKS:
            s = task_scores(run, key)
            row += [_num(s["wacc"]), _num(s["wf1"]), _num(s["acc"])] if s else ["—"] * 3
        multi = run["multi_expression"]
        row += [_num(multi["hit_rate"]) if multi else "—", _coverage(run)]
        yield row


def _human_html(h: HumanAgreement | None) -> str:
    if h is None:
        return ('<section aria-label="human ceiling"><h3>Human ceiling</h3><p class="note">'
                "Fewer than 2 annotators rated videos in this project: there is no agreement "
                "between people to compare the models with.</p></section>")
    rows = [[k, _num(v, 3) if v is not None else "undefined"] for k, v in h["labels"].items()]
    rows.append(["average", _num(h["average"], 3)])
    return ('<section aria-label="human ceiling"><h3>Human ceiling</h3>'
            f'<p class="note">Krippendorff\'s alpha ({_e(h["level"])}) between the '
            f'annotators {_e(", ".join(h["annotators"]))}: how far people agree with each '
            "other on the same labels.</p><div class=\"side\">"
            + _html_table("Annotators' agreement (alpha)", ["label", "alpha"], rows)
            + f"<figure>{agreement_svg(h)}<figcaption>Alpha per label; 1 is full "
            "agreement, 0 chance.</figcaption></figure></div></section>")


NOT_KEPT = "not recorded (imported before the app kept prediction files)"


def _made_by(p: Provenance) -> str:
    return (f'<p class="note">Made by {_e(p["app"])} {_e(p["app_version"])} on '
            f'{_e(p["created_at"])} (UTC) from the project {_e(p["project"]["file"])}; '
            "the prediction files it scores are listed, with their SHA-256, under "
            "“Where this report comes from” at the end.</p>")


def _provenance_html(p: Provenance) -> str:
    """Where the report comes from: the app, the time, the project, the prediction files."""
    place = p["project"]
    rows = [["app", f"{p['app']} {p['app_version']}"], ["made (UTC)", p["created_at"]],
            ["project folder", place["folder"]], ["project file", place["file"]]]
    if place["database"]:
        rows.append(["database", place["database"]])
    rows.append(["project id", place["id"]])
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in (
        "run", "carries", "file", "SHA-256", "bytes", "imported (UTC)"))
    body = []
    for f in p["prediction_files"]:
        run = f"{f['model']} ({f['setting']})"
        carries = ", ".join(f["carries"])
        if f["file"] is None:
            cells = f'<td colspan="4">{_e(NOT_KEPT)}</td>'
        else:
            cells = (f"<td>{_e(f['file'])}</td><td class=\"hash\">{_e(f['sha256'])}</td>"
                     f"<td>{f['bytes']}</td><td>{_e(f['imported_at'])}</td>")
        body.append(f'<tr><th scope="row">{_e(run)}</th><td>{_e(carries)}</td>{cells}</tr>')
    files = (f"<table><caption>Prediction files</caption><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(body)}</tbody></table>" if body else
             '<p class="note">No prediction files.</p>')
    return ('<section aria-label="provenance"><h2>Where this report comes from</h2>'
            + _html_table("Report", ["item", "value"], rows) + files + "</section>")


def render_html(report: EvaluationReport,
                disagreements: Sequence[VideoDisagreement] = ()) -> str:
    """The whole evaluation as one self-contained HTML page."""
    t = report["tasks"]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>EmoSign evaluation: models versus humans</title>",
           *([f'<meta name="generator" content="{_e(report["provenance"]["app"])} '
              f'{_e(report["provenance"]["app_version"])}">']
             if "provenance" in report else []),
           f"<style>{_CSS}</style></head><body>",
           "<h1>EmoSign evaluation: models versus humans</h1>",
           *([_made_by(report["provenance"])] if "provenance" in report else []),
           f"<p>Reference: <strong>{_e(report['reference'])}</strong> "
           f"({_e(report['reference_kind'])}). Videos with reference labels: {t['videos']}; "
           f"sentiment: {t['sentiment']}; single-expression: {t['single_expression']}; "
           f"multi-expression: {t['multi_expression']} (dropped: {t['dropped']}).</p>"]
    if t["multi_combinations"]:
        out.append("<p>Multi-expression combinations kept (more than 2 videos): " + "; ".join(
            f"{_e(' + '.join(c['labels']))} ({c['videos']})"
            for c in t["multi_combinations"]) + ".</p>")
    out.append('<p class="note">Scores in percent. wAcc: mean accuracy per class over the '
               "classes in the truth; wF1: F1 weighted by class size; Acc: plain accuracy. "
               "A video a run gives no answer for counts as wrong (column “(none)”).</p>")
    header = ["run"] + [f"{short} {m}" for short in ("sent. 3", "sent. 7", "emotion")
                        for m in ("wAcc", "wF1", "Acc")] + ["multi-expr. hit", "answered"]
    out.append('<h2>Models and the human ceiling</h2><div class="side"><section>'
               + _html_table("Scores per run (percent)", header, list(_summary_rows(report)))
               + "</section>" + _human_html(report["human_agreement"]) + "</div>")
    labels = report["labels"]["emotion"]
    emo_rows = [[run_title(r), *(_num(r["emotion"]["per_class_acc"].get(lab))
                                 for lab in labels)]
                for r in report["runs"] if r["emotion"]]
    if emo_rows:
        out.append(_html_table("Emotion: accuracy per class (percent; — : not in the truth)",
                               ["run", *labels], emo_rows))
    ground = [r for r in report["runs"] if r["grounding"]]
    if ground:
        k = report["boundary_frames"]
        g_rows = []
        for r in ground:
            g = r["grounding"]
            assert g is not None
            g_rows.append([run_title(r), str(g["predicted_segments"]), str(g["human_segments"]),
                           str(g["matched"]), _num(g["mean_tiou"]),
                           _num(g["boundary_precision"]), _num(g["boundary_recall"]),
                           _num(g["boundary_f1"]), _num(g["mean_box_iou"])])
        out.append(f"<h2>Cue grounding</h2><p class=\"note\">Against the people's segments on "
                   f"the tier “{_e(report['grounding_tier'])}”; boundaries match within ±{k} "
                   "frames; percent.</p>")
        out.append(_html_table("Grounding per run", [
            "run", "predicted", "human", "matched", "mean tIoU", "boundary P", "boundary R",
            "boundary F1", "box IoU"], g_rows))
    for run in report["runs"]:
        name = run_title(run)
        out.append(f"<h2>{_e(name)}</h2>")
        pics = []
        for key, title in TASKS:
            s = task_scores(run, key)
            if s is None:
                continue
            pics.append(f"<figure>{confusion_svg(s, f'{name}: {title}, confusion matrix')}"
                        f"<figcaption>{_e(title)}: confusion matrix (wAcc {_num(s['wacc'])}, "
                        f"wF1 {_num(s['wf1'])}).</figcaption></figure>")
            pics.append(f"<figure>{bias_svg(s, f'{name}: {title}, true and predicted')}"
                        f"<figcaption>{_e(title)}: how often each label is true and how often "
                        "it is predicted (the lean).</figcaption></figure>")
        if pics:
            out.append('<div class="pics">' + "".join(pics) + "</div>")
        else:
            out.append('<p class="note">This run has cue segments only.</p>')
    if disagreements:
        rows = [[d["name"], f"{d['score']:.2f}",
                 "—" if d["sentiment"] is None else f"{d['sentiment']:+d}",
                 " / ".join(d["emotion"]) if d["emotion"] else "—",
                 "; ".join(_answer(a) for a in d["answers"])]
                for d in disagreements]
        out.append("<h2>Videos the models get most wrong</h2><p class=\"note\">Score per run: "
                   "|sentiment difference| / scale range + 1 when the emotion is none of "
                   "the reference's labels; the video's score is the mean over runs.</p>")
        out.append(_html_table("Videos by disagreement", [
            "video", "score", "reference sentiment", "reference emotion", "answers"], rows))
    if "provenance" in report:
        out.append(_provenance_html(report["provenance"]))
    out.append("</body></html>")
    return "\n".join(out)


def write_html(path: str | Path, report: EvaluationReport,
               disagreements: Sequence[VideoDisagreement] = ()) -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8)."""
    path = Path(path)
    try:
        path.write_text(render_html(report, disagreements), encoding="utf-8")
    except OSError as exc:
        raise EmoSignError(f"{path}: cannot write the report ({exc.strerror})") from None
    return path
