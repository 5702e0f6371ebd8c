// What the page does with ECharts beyond the options the engine worker builds (in Rust, with
// charming): warming ECharts up, and the heatmap's tooltip, which needs a function.

window.lraCharts = {
  /** Set once warm() is done. */
  warmed: false,

  /** ECharts' first chart costs ~150 ms of one-time setup on a slow machine, a frozen page if
   * it came with the first summary: it is paid here once, in steps of one task each, on a
   * hidden chart. */
  warm() {
    const element = document.createElement("div");
    element.style.cssText = "position:absolute;left:-10000px;top:0;width:400px;height:300px";
    element.setAttribute("aria-hidden", "true");
    document.body.append(element);
    const axes = { xAxis: { type: "category", data: ["a"] }, yAxis: { type: "value" } };
    // Charts shaped like the page's own (lra-session's charts.rs): 60 bars with a slider without
    // its data shadow, a line of 1,000 points without symbols, a donut.
    const tests = Array.from({ length: 60 }, (_, i) => `warm/test_${i}`);
    const iterations = Array.from({ length: 1000 }, (_, i) => `${i + 1}`);
    const like = (type, names, zoom) => ({
      animation: false,
      title: { text: "warm" },
      tooltip: { trigger: "axis" },
      legend: { top: "bottom" },
      toolbox: { feature: { saveAsImage: {} } },
      xAxis: { type: "category", data: names },
      yAxis: { type: "value" },
      dataZoom: zoom ? [{ type: "slider", start: 0, end: 40, showDataShadow: false }, { type: "inside" }] : [{ type: "inside" }],
      series: [{ type, name: "a", showSymbol: false, data: names.map((_, i) => i % 7) }, { type, name: "b", showSymbol: false, data: names.map((_, i) => i % 5) }],
    });
    const donut = { animation: false, title: { text: "warm" }, legend: { top: "bottom" }, tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["40%", "70%"], data: [{ value: 1, name: "a" }, { value: 2, name: "b" }] }] };
    let chart;
    const steps = [
      () => (chart = echarts.init(element)),
      () => chart.setOption({}),
      () => chart.setOption({ title: { text: "warm" } }),
      () => chart.setOption(axes),
      () => chart.setOption({ series: [{ type: "bar", data: [1] }] }),
      () => chart.setOption({ series: [{ type: "line", data: [1] }] }),
      () => chart.setOption({ series: [{ type: "pie", data: [1] }] }, true),
      () => chart.setOption({ legend: {}, tooltip: {}, toolbox: { feature: { saveAsImage: {} } } }),
      () => chart.setOption({ ...axes, dataZoom: [{ type: "slider" }, { type: "inside" }] }, true),
      () =>
        chart.setOption(
          { xAxis: { type: "category", data: ["a"] }, yAxis: { type: "category", data: ["a"] }, visualMap: { min: 0, max: 1 }, series: [{ type: "heatmap", data: [[0, 0, 1]] }] },
          true,
        ),
      // Then charts like the page's own, each whole, eight times over: the JIT compiles more of
      // ECharts' paths with each. The first drawing of a summary's bar chart of 60 tests then
      // takes 11–14 ms, where it took 13–24 after one round and 12–17 after four (6 pages each, on
      // a page of ECharts alone).
      ...Array.from({ length: 8 }, () => [
        () => chart.setOption(like("bar", tests, true), true),
        () => chart.setOption(like("line", iterations, false), true),
        () => chart.setOption(donut, true),
      ]).flat(),
      () => {
        echarts.dispose(element);
        element.remove();
        window.lraCharts.warmed = true;
      },
    ];
    const next = () => {
      const step = steps.shift();
      if (!step) return;
      try {
        step();
      } catch {
        // A failed warm-up only means a slower first chart.
      }
      setTimeout(next, 0);
    };
    if (window.echarts) setTimeout(next, 0);
  },

  /** Sets `option` (charming's) with `rest`, the part charming cannot express, merged into it
   * as ECharts would merge a second setOption (objects key by key, component arrays by index),
   * so that the chart is drawn once: a second setOption drew the heatmap's 50,000 cells again,
   * a task twice as long. The `heatmapNames` of `rest` ({tests, columns, axis}) name the heatmap's
   * cells, [column, row, failure ratio, failed, judged], in the tooltip: plain arrays, which
   * ECharts takes far faster than one object per cell. */
  setWithRest(chart, option, rest) {
    const names = rest.heatmapNames;
    delete rest.heatmapNames;
    if (names) {
      // ECharts writes what a formatter returns as HTML: the names, a log's text, are escaped.
      // They come as shown (controls visible, at most 2 KiB), and the box wraps them.
      rest.tooltip = {
        formatter: (p) => `${escapeHtml(names.tests[p.value[1]])} · ${escapeHtml(names.axis)} ${escapeHtml(names.columns[p.value[0]])}: ${p.value[3]} of ${p.value[4]} runs failed`,
        confine: true,
        extraCssText: "white-space: normal; overflow-wrap: anywhere; max-width: 40em",
      };
    }
    window.lraCharts.set(chart, merged(option, rest));
  },

  /** Sets `option` on `chart`, its painting left to ZRender's next frame: ECharts paints the
   * canvas at the end of setOption, a quarter of the chart's one task, and ZRender paints what
   * changed in its frame anyway. */
  set(chart, option) {
    const zr = chart.getZr();
    zr.flush = () => {};
    try {
      chart.setOption(option);
    } finally {
      delete zr.flush;
      zr.refresh();
    }
  },
};

/** `text` for HTML: `& < > " '` as character references. */
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `rest` merged into `base`: objects key by key, arrays by index, anything else replaced. */
function merged(base, rest) {
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  // Component arrays (series, visualMap) merge by index; data arrays are replaced.
  if (Array.isArray(base) && Array.isArray(rest) && rest.every(isObject)) {
    return Array.from({ length: Math.max(base.length, rest.length) }, (_, i) => (i < rest.length ? (i < base.length ? merged(base[i], rest[i]) : rest[i]) : base[i]));
  }
  if (Array.isArray(rest) && rest.every(isObject) && isObject(base)) return merged([base], rest);
  if (isObject(base) && isObject(rest)) {
    const out = { ...base };
    for (const [key, value] of Object.entries(rest)) out[key] = key in base ? merged(base[key], value) : value;
    return out;
  }
  return rest;
}

