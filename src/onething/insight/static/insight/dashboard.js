/* Supervisors' dashboard: draws the ECharts charts from the JSON the page renders with
 * Django's json_script (<script type="application/json" id="insight-charts">). No inline
 * script runs (CSP script-src 'self'); the same figures are in the tables under each chart. */
(function () {
  "use strict";

  var PALETTE = ["#b8141b", "#1d4f91", "#e0a800", "#1f7a3f", "#7a4a00", "#5b6470", "#8f5bb8", "#2f9fb5"];
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
  var EMPTY_TEXT = document.documentElement.lang && document.documentElement.lang.indexOf("en") === 0
    ? "No data for this period" : "本期没有数据";

  function readCharts() {
    var block = document.getElementById("insight-charts");
    if (!block) { return []; }
    try {
      return JSON.parse(block.textContent).charts || [];
    } catch (error) {
      return [];
    }
  }

  function isEmpty(spec) {
    if (spec.kind === "pie") { return !spec.data || spec.data.length === 0; }
    return !spec.categories || spec.categories.length === 0;
  }

  function valueFormatter(spec) {
    return function (value) {
      if (value === null || value === undefined) { return "—"; }
      return spec.unit === "%" ? value + "%" : value + " " + (spec.unit || "");
    };
  }

  function barOrLine(spec) {
    var horizontal = !!spec.horizontal;
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      inverse: horizontal,
      axisLabel: { width: horizontal ? 150 : 80, overflow: "truncate", interval: 0 }
    };
    var valueAxis = { type: "value", minInterval: 1, max: spec.max || null,
      axisLabel: { formatter: spec.unit === "%" ? "{value}%" : "{value}" } };
    return {
      grid: { left: 12, right: 32, top: spec.series.length > 1 ? 36 : 16, bottom: 12, containLabel: true },
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      tooltip: { trigger: "axis", valueFormatter: valueFormatter(spec) },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (series) {
        return {
          name: series.name,
          type: spec.kind,
          data: series.data,
          barMaxWidth: 22,
          smooth: false,
          label: { show: true, position: horizontal ? "right" : "top",
            formatter: spec.unit === "%" ? "{c}%" : "{c}" }
        };
      })
    };
  }

  function pie(spec) {
    return {
      tooltip: { trigger: "item", valueFormatter: valueFormatter(spec) },
      legend: { bottom: 0 },
      series: [{
        type: "pie",
        radius: ["38%", "66%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}（{d}%）" },
        data: spec.data
      }]
    };
  }

  function draw(spec) {
    var element = document.getElementById(spec.id);
    if (!element || typeof window.echarts === "undefined") { return null; }
    if (isEmpty(spec)) {
      element.classList.add("chart-empty");
      element.textContent = EMPTY_TEXT;
      return null;
    }
    if (spec.horizontal && spec.categories) {
      element.style.height = Math.max(220, 60 + spec.categories.length * 34) + "px";
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    var option = spec.kind === "pie" ? pie(spec) : barOrLine(spec);
    option.color = PALETTE;
    option.textStyle = { fontFamily: FONT };
    option.animation = false;
    chart.setOption(option);
    element.setAttribute("data-rendered", "true");
    return chart;
  }

  function start() {
    var charts = readCharts().map(draw).filter(Boolean);
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) { window.clearTimeout(pending); }
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) { chart.resize(); });
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
