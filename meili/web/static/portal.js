/* Meili portal: the national map and the charts, drawn with the bundled Apache ECharts.
   Every chart has a table on its page; nothing is fetched from outside the site. */
(function () {
  'use strict';
  var charts = [];
  function meta(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function done(el) { el.setAttribute('data-rendered', 'true'); }

  function drawMap(el) {
    var m = meta('map-meta');
    var lang = m.lang;
    fetch(el.getAttribute('data-src')).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap('meili', geo);
      var tiers = Object.keys(m.tiers);
      var zoneData = [], regions = [], zones = [];
      geo.features.forEach(function (f) {
        var pr = f.properties;
        if (pr.zone) {
          zones.push(pr.zone);
          if (!m.values) {
            zoneData.push({ name: pr.name, value: tiers.indexOf(pr.tier), zone: pr.zone });
          } else if (m.values[pr.zone] !== undefined && m.values[pr.zone] !== null) {
            zoneData.push({ name: pr.name, value: m.values[pr.zone], zone: pr.zone });
          }
        } else if (pr.layer === 'line') {
          regions.push({ name: pr.name, itemStyle: { areaColor: 'transparent', borderColor: '#5f6b70', borderWidth: 1 }, silent: true });
        }
      });
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      charts.push(chart);
      chart.on('finished', function () { done(el); });
      chart.setOption({
        animation: false,
        tooltip: {
          trigger: 'item',
          formatter: function (p) {
            var d = p.data;
            if (d && d.zone && m.values) { return d.zone + ': ' + d.value; }
            if (d && d.zone) {
              var t = m.tiers[tiers[d.value]];
              return d.zone + ' · ' + (lang === 'en' ? t[1] : t[0]);
            }
            return '';
          }
        },
        visualMap: m.values ? {
          type: 'continuous', orient: 'horizontal', left: 'center', bottom: 0, calculable: false,
          min: Math.min.apply(null, zoneData.map(function (d) { return d.value; }).concat([0])),
          max: Math.max.apply(null, zoneData.map(function (d) { return d.value; }).concat([1])),
          inRange: { color: ['#e3f3ea', '#1b7f4b'] }, textStyle: { color: '#1d2528' }
        } : {
          type: 'piecewise', orient: 'horizontal', left: 'center', bottom: 0,
          pieces: tiers.map(function (t, i) {
            return { value: i, label: lang === 'en' ? t[1] : t[0], color: m.colours[t] };
          }),
          textStyle: { color: '#1d2528' }
        },
        series: [{
          type: 'map', map: 'meili', roam: true, zoom: 1.15,
          data: zoneData, selectedMode: false,
          itemStyle: { areaColor: '#eef4f1', borderColor: '#9aa8a3', borderWidth: 0.5 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: '#f2b705' } },
          regions: regions
        }]
      });
      el.setAttribute('data-zones', zones.join(' '));
      chart.on('click', function (p) { if (p.data && p.data.zone) { window.location.href = '/zones/' + p.data.zone; } });
    });
  }

  function drawTrend(el) {
    var data = meta('trend-data'), words = meta('trend-words');
    var lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
    var chart = echarts.init(el);
    charts.push(chart);
    chart.on('finished', function () { done(el); });
    function show(i) {
      var d = data[i];
      var series = [{ name: words.value, type: 'line', data: d.values, symbolSize: 8, lineStyle: { width: 2 }, color: '#1b7f4b' }];
      if (d.target !== null && d.target !== undefined) {
        series.push({ name: words.target, type: 'line', data: d.years.map(function () { return d.target; }),
          lineStyle: { type: 'dashed' }, symbol: 'none', color: '#b3261e' });
      }
      chart.setOption({
        animation: false,
        title: { text: (lang === 'en' ? d.name_en : d.name_zh) + (d.unit ? ' (' + d.unit + ')' : ''), textStyle: { fontSize: 14, color: '#1d2528' } },
        tooltip: { trigger: 'axis' }, legend: { top: 24, textStyle: { color: '#1d2528' } },
        grid: { top: 60, left: 50, right: 20, bottom: 30 },
        xAxis: { type: 'category', data: d.years.map(String) }, yAxis: { type: 'value', scale: true },
        series: series
      }, true);
    }
    var sel = document.getElementById('trend-select');
    if (sel) { sel.addEventListener('change', function () { show(+sel.value); }); }
    show(0);
  }

  function drawBars(el) {
    var d = JSON.parse(document.getElementById(el.getAttribute('data-from')).textContent);
    var chart = echarts.init(el);
    charts.push(chart);
    chart.on('finished', function () { done(el); });
    var series = [{ type: 'bar', data: d.values, color: '#1b7f4b', name: d.label }];
    if (d.low) {
      series.push({ type: 'custom', name: d.band_label, data: d.low.map(function (lo, i) { return [i, lo, d.high[i]]; }),
        renderItem: function (params, api) {
          var a = api.coord([api.value(0), api.value(1)]), b = api.coord([api.value(0), api.value(2)]);
          return { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style: { stroke: '#1d2528', lineWidth: 2 } };
        } });
    }
    if (d.target !== null && d.target !== undefined) {
      series[0].markLine = { symbol: 'none', data: [{ yAxis: d.target, name: d.target_label }], lineStyle: { color: '#b3261e', type: 'dashed' } };
    }
    chart.setOption({
      animation: false, tooltip: { trigger: 'axis' },
      grid: { top: 30, left: 60, right: 20, bottom: 80 },
      xAxis: { type: 'category', data: d.labels, axisLabel: { rotate: 40 } },
      yAxis: { type: 'value', scale: true, inverse: !!d.inverse, name: d.unit || '' },
      series: series
    });
  }

  function tabs() {
    document.querySelectorAll('[role="tablist"]').forEach(function (list) {
      var buttons = list.querySelectorAll('[role="tab"]');
      function pick(btn) {
        buttons.forEach(function (b) {
          var on = b === btn;
          b.setAttribute('aria-selected', on ? 'true' : 'false');
          b.tabIndex = on ? 0 : -1;
          document.getElementById(b.getAttribute('aria-controls')).hidden = !on;
        });
        charts.forEach(function (c) { c.resize(); });
      }
      buttons.forEach(function (b, i) {
        b.addEventListener('click', function () { pick(b); });
        b.addEventListener('keydown', function (e) {
          var k = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
          if (k) { var n = buttons[(i + k + buttons.length) % buttons.length]; n.focus(); pick(n); }
        });
      });
    });
  }

  function start() {
    tabs();
    var map = document.getElementById('map');
    if (map) { drawMap(map); }
    var trend = document.getElementById('trend');
    if (trend) { drawTrend(trend); }
    document.querySelectorAll('.bars').forEach(drawBars);
    window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
