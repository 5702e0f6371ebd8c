//! "Export report": one self-contained `.html` file that opens from disk with no network. It
//! holds the header, the sortable and filterable tests table, the charts (with ECharts inlined)
//! and the flaky and failure-reason views. Names, reasons and file names are as shown on the page
//! ([`lra_core::as_shown`]: controls visible, cut past 2 KiB), inserted as text only: escaped in the
//! HTML written here, set as `textContent` by the report's script, and escaped by its heatmap
//! tooltip, whose formatter writes HTML. The exact names are in Export JSON and CSV.

use lra_core::{Summary, as_shown, human_duration};
use lra_protocol::{count, failure_rate, human_bytes, percent};

use crate::charts::{
    classes_chart, heatmap_chart, heatmap_grid, iterations_chart, most_failing, no_heatmap, tests_chart,
};

/// Text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// JSON that can sit inside a `<script>` element.
fn script_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into()).replace('<', "\\u003c")
}

/// The report of `s`, with the charting library's source `echarts` inlined: what the page's
/// "Export report" and the CLI's `--format html` write.
pub fn report_html(s: &Summary, echarts: &str) -> String {
    let t = s.totals();
    let figures = [
        ("files", count(s.files.len() as u64)),
        ("bytes", human_bytes(s.bytes() as f64)),
        ("tests run", count(t.runs())),
        ("passed", count(t.passed)),
        ("failed", count(t.failed)),
        ("skipped", count(t.skipped)),
        ("other", count(t.other)),
        ("missing", count(t.missing)),
        ("pass rate", percent(t.pass_rate())),
        ("orphan results", count(s.orphan_results())),
    ]
    .iter()
    .map(|(label, value)| format!("<div class=fig><b>{}</b><span>{}</span></div>", esc(value), esc(label)))
    .collect::<String>();
    let rows: Vec<serde_json::Value> = s
        .tests()
        .iter()
        .map(|t| {
            let c = t.counts;
            let at = t.first_failure().map(|l| format!("{}:{}", as_shown(s.file_name(l)), l.line)).unwrap_or_default();
            // The p95 as microseconds to sort by, and as people read it.
            let p95 = t.durations().map(|d| d.p95());
            let shown = p95.map(human_duration);
            serde_json::json!([
                as_shown(&t.name),
                c.runs(),
                c.passed,
                c.failed,
                c.skipped,
                c.other,
                c.missing,
                c.pass_rate(),
                at,
                p95,
                shown,
                // Sorted by its Wilson interval's low end, then the rate, as the app's table is.
                c.failure_rate_ci95().map(|[low, _]| [low, c.failure_rate().unwrap_or(0.0)]),
                failure_rate(&c)
            ])
        })
        .collect();
    let flaky = s.flaky_tests();
    let flaky_rows = flaky
        .iter()
        .map(|t| {
            format!(
                "<tr><td class=name>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td></tr>",
                esc(&as_shown(&t.name)),
                t.counts.passed,
                t.counts.failed,
                t.transitions(),
                t.flip_rate()
            )
        })
        .collect::<String>();
    let failure_rows = s
        .failure_groups_by_size()
        .iter()
        .map(|g| {
            let reason = if g.example.is_empty() { "(no reason given)" } else { &g.example };
            let tests = g.tests.iter().map(|t| as_shown(t)).collect::<Vec<_>>().join(", ");
            format!(
                "<tr><td class=name>{}</td><td>{}</td><td class=name>{}</td><td class=name>{}:{}</td></tr>",
                esc(&as_shown(reason)),
                g.count,
                esc(&tests),
                esc(&as_shown(s.file_name(g.first))),
                g.first.line
            )
        })
        .collect::<String>();
    let mut charts = serde_json::json!({
        "chart-tests": serde_json::to_value(tests_chart(&most_failing(s))).unwrap_or_default(),
        "chart-iterations": serde_json::to_value(iterations_chart(s)).unwrap_or_default(),
        "chart-classes": serde_json::to_value(classes_chart(s)).unwrap_or_default(),
    });
    let heatmap = match no_heatmap(s) {
        Some(why) => format!("<p class=muted>{}</p>", esc(why)),
        None => {
            // Set in order, as the app does.
            let (chart, rest) = heatmap_chart(&heatmap_grid(s));
            charts["chart-heatmap"] = serde_json::json!([serde_json::to_value(chart).unwrap_or_default(), rest]);
            "<div id=\"chart-heatmap\" class=\"chart wide\" role=\"img\" aria-label=\"Failure ratio per test and iteration: flaky tests first, then tests that always failed\"></div>".to_owned()
        }
    };
    let history = history_section(s, &mut charts);
    let charts = script_json(&charts);
    let files = s.files.iter().map(|f| esc(&as_shown(&f.name))).collect::<Vec<_>>().join(", ");
    format!(
        r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LogResultAccumulator report</title>
<style>{STYLE}</style></head>
<body>
<h1>LogResultAccumulator report</h1>
<p class=muted>Files: {files}</p>
<section class=figs aria-label="Totals">{figures}</section>
<section class=charts aria-label="Charts">
<div id="chart-tests" class="chart wide" role="img" aria-label="Passed and failed per test"></div>
<div id="chart-iterations" class="chart" role="img" aria-label="Pass rate per iteration"></div>
<div id="chart-classes" class="chart" role="img" aria-label="Runs by class"></div>
</section>
{history}<section aria-label="Tests"><h2>Tests ({count})</h2>
<input id="filter" type="search" placeholder="Filter by name" aria-label="Filter tests by name">
<table id="tests-table"><thead><tr>{heads}</tr></thead><tbody></tbody></table>
<p id="more" class=muted></p></section>
<section aria-label="Flaky tests"><h2>Flaky tests ({flaky_count})</h2>
{heatmap}
<table id="flaky-table"><thead><tr><th>Test</th><th>Passed</th><th>Failed</th><th>Transitions</th><th>Flip rate</th></tr></thead><tbody>{flaky_rows}</tbody></table></section>
<section aria-label="Why tests fail"><h2>Why tests fail</h2>
<table id="failures-table"><thead><tr><th>Reason</th><th>Failed runs</th><th>Tests</th><th>First</th></tr></thead><tbody>{failure_rows}</tbody></table></section>
<script type="application/json" id="rows">{rows}</script>
<script type="application/json" id="charts">{charts}</script>
<script>{echarts}</script>
<script>{SCRIPT}</script>
</body></html>
"##,
        count = s.tests().len(),
        flaky_count = flaky.len(),
        heads = [
            "Test",
            "Runs",
            "Passed",
            "Failed",
            "Skipped",
            "Other",
            "Missing",
            "Pass rate",
            "First failure",
            "p95 time",
            "Failure rate (95%)"
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| format!("<th><button data-col={i}>{h}</button></th>"))
        .collect::<String>(),
        rows = script_json(&rows),
        echarts = echarts.replace("</script", "<\\/script"),
    )
}

/// A history's section (nothing for a summary of no builds): its tests × builds grid, newly
/// broken first with change points marked, and the rows of the tests that failed in some build.
fn history_section(s: &Summary, charts: &mut serde_json::Value) -> String {
    let Some(h) = s.history() else { return String::new() };
    let labels = h.labels();
    let label = |b: Option<u32>| b.map_or_else(|| "–".to_owned(), |b| esc(&as_shown(&labels[b as usize])));
    // Every test that failed in some build, each row made once for the table and the grid.
    let failed_in_some = s.history_rows(usize::MAX);
    let rows = &failed_in_some[..failed_in_some.len().min(HISTORY_TABLE_ROWS)];
    let table = rows
        .iter()
        .map(|(i, r)| {
            let t = &s.tests()[*i];
            let change = r.change_point.map_or_else(
                || "–".to_owned(),
                |c| format!("{}: {}", label(Some(c.build)), esc(&c.runs_text())),
            );
            format!(
                "<tr><td class=name>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=name>{}</td><td class=name>{}</td><td class=name>{}</td><td>{}</td></tr>",
                esc(&as_shown(&t.name)),
                r.builds_run,
                r.builds_failed,
                r.builds_flaky,
                label(r.failing_since),
                label(r.last_passed),
                change,
                esc(&failure_rate(&t.counts))
            )
        })
        .collect::<String>();
    let grid_rows = &failed_in_some[..failed_in_some.len().min(HISTORY_GRID_TESTS)];
    let chart = match s.history_grid(grid_rows, HISTORY_GRID_CELLS) {
        Some(grid) if !grid.tests.is_empty() => {
            let (chart, rest) = heatmap_chart(&grid);
            charts["chart-history"] = serde_json::json!([serde_json::to_value(chart).unwrap_or_default(), rest]);
            "<div id=\"chart-history\" class=\"chart wide\" role=\"img\" aria-label=\"Failure ratio per test and build: newly broken tests first, each change point marked\"></div>"
        }
        _ => "<p class=muted>No test failed in any build.</p>",
    };
    let shown = if failed_in_some.len() > rows.len() {
        format!(
            "<p class=muted>The first {} of {} tests that failed in some build.</p>",
            rows.len(),
            failed_in_some.len()
        )
    } else {
        String::new()
    };
    format!(
        "<section aria-label=\"History\"><h2>History: {} builds, {} … {}</h2>\n{chart}\n<p class=muted>Change points at alpha {}.</p>\n<table id=\"history-table\"><thead><tr><th>Test</th><th>Builds run</th><th>Builds failed</th><th>Builds flaky</th><th>Failing since</th><th>Last passed</th><th>Change point</th><th>Failure rate (95%)</th></tr></thead><tbody>{table}</tbody></table>{shown}</section>\n",
        labels.len(),
        label((!labels.is_empty()).then_some(0)),
        label(labels.len().checked_sub(1).map(|b| b as u32)),
        h.alpha,
    )
}

/// The tests the history's grid shows, and the cells it draws at most (as the heatmap's).
const HISTORY_GRID_TESTS: usize = 50;
const HISTORY_GRID_CELLS: usize = 50_000;
/// The history's table lists at most this many tests.
const HISTORY_TABLE_ROWS: usize = 1000;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2330;background:#f7f8fa}\
section{background:#fff;border:1px solid #d9dde5;border-radius:8px;padding:1rem;margin:1rem 0}\
.figs{display:flex;flex-wrap:wrap;gap:1.25rem}.fig{display:flex;flex-direction:column}.fig b{font-size:1.3rem}\
.fig span,.muted{color:#5b6475}.charts{display:grid;grid-template-columns:1fr 1fr;gap:1rem}\
.chart{height:320px}.chart.wide{grid-column:1/-1;height:380px}#chart-heatmap,#chart-history{height:520px}table{width:100%;border-collapse:collapse}\
th,td{text-align:right;padding:.3rem .5rem;border-bottom:1px solid #d9dde5}th:first-child,td.name{text-align:left}\
td.name{overflow-wrap:anywhere}th button{border:0;background:none;font:inherit;font-weight:600;cursor:pointer}\
@media (prefers-color-scheme:dark){body{background:#12151c;color:#e4e8f0}section{background:#1b2029;border-color:#2f3644}\
th button{color:inherit}}";

/// The report's own script: charts, and the tests table's sort and filter (first 1000 rows).
const SCRIPT: &str = r##"
// ECharts writes a formatter's string as HTML: a name in it is escaped.
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const rows = JSON.parse(document.getElementById("rows").textContent);
const charts = JSON.parse(document.getElementById("charts").textContent);
for (const [id, options] of Object.entries(charts)) {
  if (!window.echarts) break;
  const chart = echarts.init(document.getElementById(id));
  for (const option of [].concat(options)) {
    // As the page's web/charts.js does: the heatmap's cells are named in its tooltip.
    const names = option.heatmapNames;
    delete option.heatmapNames;
    if (names) option.tooltip = { formatter: (p) => `${esc(names.tests[p.value[1]])} · ${esc(names.axis)} ${esc(names.columns[p.value[0]])}: ${p.value[3]} of ${p.value[4]} runs failed` };
    chart.setOption(option);
  }
}
let sort = 3, desc = true, filter = "";
const body = document.querySelector("#tests-table tbody");
function cell(r, i) {
  const v = r[i];
  if (i === 7) return v === null ? "–" : (v * 100).toFixed(1) + "%";
  // The p95 is sorted by its microseconds and shown as written beside them; the failure rate
  // by its interval's low end and then the rate, and shown as written.
  if (i === 9) return r[10] ?? "–";
  if (i === 10) return r[12];
  return String(v);
}
// What column `i` sorts by: a test with no value below every other.
function key(r, i) {
  if (i === 10) return r[11] ?? [-1, -1];
  return r[i] ?? -1;
}
const compare = (x, y) => Array.isArray(x) ? compare(x[0], y[0]) || compare(x[1], y[1]) : x < y ? -1 : x > y ? 1 : 0;
function render() {
  const f = filter.toLowerCase();
  const shown = rows.filter((r) => !f || r[0].toLowerCase().includes(f));
  shown.sort((a, b) => {
    const o = compare(key(a, sort), key(b, sort));
    return desc ? -o : o;
  });
  body.replaceChildren(...shown.slice(0, 1000).map((r) => {
    const tr = document.createElement("tr");
    r.slice(0, 11).forEach((_, i) => {
      const td = document.createElement("td");
      if (i === 0 || i === 8) td.className = "name";
      td.textContent = cell(r, i);
      tr.append(td);
    });
    return tr;
  }));
  document.getElementById("more").textContent = shown.length > 1000 ? `Showing 1000 of ${shown.length}; filter to see others.` : "";
}
document.querySelectorAll("#tests-table th button").forEach((b) => b.addEventListener("click", () => {
  const col = Number(b.dataset.col);
  if (col === sort) desc = !desc; else { sort = col; desc = col !== 0 && col !== 8; }
  render();
}));
document.getElementById("filter").addEventListener("input", (e) => { filter = e.target.value; render(); });
render();
"##;
