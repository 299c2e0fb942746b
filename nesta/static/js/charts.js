/* The charts of the web UI: each [data-chart-spec] element is drawn by ECharts from the JSON spec
   that core.charts.Chart.spec() wrote beside it (json_script). The numbers are the table's, already
   rounded on the server; this script only draws them. Loaded by core/_chart_scripts.html. */
(function () {
  "use strict";
  if (window.NestaCharts || !window.echarts) return;

  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var lang = document.documentElement.lang || "zh-Hans";

  function fmt(value, decimals) {
    if (value === null || value === undefined) return "—";
    return Number(value).toLocaleString(lang, { maximumFractionDigits: decimals });
  }

  function narrow(el) { return el.clientWidth < 480; }

  function option(spec, el) {
    var small = narrow(el);
    var unit = spec.unit ? " " + spec.unit : "";
    var base = {
      animation: !reduced,
      animationDuration: 300,
      color: spec.palette,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: {},
      legend: { show: spec.series.length > 1 || spec.kind === "pie", type: "scroll", bottom: 0 }
    };
    if (spec.kind === "pie") {
      var s = spec.series[0];
      base.tooltip = { trigger: "item", valueFormatter: function (v) { return fmt(v, s.decimals) + unit; } };
      base.series = [{
        type: "pie", name: s.name, radius: small ? ["30%", "58%"] : ["38%", "68%"], center: ["50%", "45%"],
        label: { show: !small, formatter: "{b}: {d}%" },
        data: spec.categories.map(function (c, i) { return { name: c, value: s.data[i] }; })
      }];
      return base;
    }
    var category = {
      type: "category", data: spec.categories, inverse: spec.horizontal,
      axisLabel: { hideOverlap: true, width: small ? 80 : 140, overflow: "truncate", interval: spec.horizontal ? 0 : "auto" }
    };
    var value = {
      type: "value", name: spec.unit, position: spec.horizontal ? "top" : undefined,
      nameTextStyle: { align: spec.horizontal ? "right" : "left", verticalAlign: spec.horizontal ? "bottom" : undefined },
      axisLabel: { formatter: function (v) { return fmt(v, 2); }, hideOverlap: true }
    };
    base.tooltip = {
      trigger: "axis", axisPointer: { type: spec.kind === "line" ? "line" : "shadow" },
      valueFormatter: function (v) { return fmt(v, 2) + unit; }
    };
    // the legend below, the unit (the value axis' name) above: they never overlap
    base.grid = { left: 8, right: small ? 16 : 32, bottom: base.legend.show ? 36 : 8, top: 32, containLabel: true };
    base.xAxis = spec.horizontal ? value : category;
    base.yAxis = spec.horizontal ? category : value;
    base.series = spec.series.map(function (s) {
      return {
        type: spec.kind === "line" ? "line" : "bar", name: s.name, data: s.data,
        stack: spec.kind === "stacked_bar" ? "total" : undefined,
        itemStyle: { color: s.colour },
        emphasis: { focus: "series" },
        tooltip: { valueFormatter: function (v) { return fmt(v, s.decimals) + unit; } }
      };
    });
    return base;
  }

  function download(url, filename) {
    var a = document.createElement("a");
    a.href = url;
    a.download = filename;
    a.setAttribute("data-testid", "chart-download");
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function draw(el) {
    if (el.dataset.chartReady) return;
    var script = document.getElementById(el.getAttribute("data-chart-spec"));
    if (!script) return;
    var spec = JSON.parse(script.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec, el));
    var wasNarrow = narrow(el);
    // follow the container (rotation, a collapsed menu), redrawing the layout when it crosses 480 px
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        chart.resize();
        if (narrow(el) !== wasNarrow) { wasNarrow = narrow(el); chart.setOption(option(spec, el), true); }
      }).observe(el);
    }
    var png = document.querySelector('[data-chart-png="' + el.id + '"]');
    if (png) {
      png.hidden = false;
      png.addEventListener("click", function () {
        download(chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" }), spec.filename);
      });
    }
    el.dataset.chartReady = "1";
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart-spec]").forEach(draw);
  }

  window.NestaCharts = { drawAll: drawAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  else drawAll(document);
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
