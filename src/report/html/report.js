// The HTML report's behaviour: select a matrix cell or a case, filter the case list. The data
// is the report's own cases (script#report-data); nothing is fetched and nothing is recounted.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var cases = data.cases;
  var CHECKS = ["status", "envelope", "type", "code", "field", "message"];
  var state = { row: null, check: null, name: null };
  var list = document.getElementById("case-list");
  var detail = document.getElementById("case-detail");
  var title = document.getElementById("cases-title");
  var count = document.getElementById("case-count");
  var filters = {
    tag: document.getElementById("filter-tag"),
    verdict: document.getElementById("filter-verdict"),
    outcome: document.getElementById("filter-outcome"),
    baseline: document.getElementById("filter-baseline")
  };

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) { continue; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function verdictOf(c, check) {
    var r = c.checks && c.checks[check];
    return r ? r.verdict : null;
  }

  function requestLine(r) {
    var line = r.method + " " + r.path;
    var keys = Object.keys(r.query || {});
    if (keys.length) {
      line += "?" + keys.map(function (k) { return k + "=" + r.query[k]; }).join("&");
    }
    return line;
  }

  function show(value) {
    if (value === undefined || value === null) { return ""; }
    return JSON.stringify(value);
  }

  // Where a case stands against the run's baseline file: known, new, changed, expired, fixed.
  function standingOf(c) { return c.baseline ? c.baseline.standing : ""; }

  function standingBadge(c) {
    return el("span", { "class": "badge standing-" + standingOf(c), text: standingOf(c) });
  }

  function selected() {
    var tag = filters.tag.value, verdict = filters.verdict.value, outcome = filters.outcome.value;
    var out = cases.filter(function (c) {
      if (state.row !== null && c.row !== state.row) { return false; }
      if (tag && c.tags.indexOf(tag) < 0) { return false; }
      if (outcome && c.outcome !== outcome) { return false; }
      if (filters.baseline.value && standingOf(c) !== filters.baseline.value) { return false; }
      if (verdict) {
        if (state.check) {
          if (verdictOf(c, state.check) !== verdict) { return false; }
        } else if (!CHECKS.some(function (k) { return verdictOf(c, k) === verdict; })) {
          return false;
        }
      }
      return true;
    });
    var rank = { fail: 0, deviation: 1, pass: 2, skip: 3 };
    var outcomeRank = { non_conforming: 0, error: 1, inconclusive: 2, conforming: 3, skipped: 4 };
    return out.map(function (c, i) { return [c, i]; }).sort(function (a, b) {
      var x = state.check ? (rank[verdictOf(a[0], state.check)] || 4) : outcomeRank[a[0].outcome];
      var y = state.check ? (rank[verdictOf(b[0], state.check)] || 4) : outcomeRank[b[0].outcome];
      return x - y || a[1] - b[1];
    }).map(function (p) { return p[0]; });
  }

  function renderList() {
    var shown = selected();
    title.textContent = state.row === null ? "All cases"
      : "Cases of " + (state.row === "oauth2" ? "OAuth2" : state.row) + " \u00d7 " + state.check;
    count.textContent = shown.length + " of " + cases.length + " cases";
    list.textContent = "";
    shown.forEach(function (c) {
      var li = el("li", { "data-name": c.name, "class": c.name === state.name ? "selected" : "" },
        el("span", { "class": "badge " + c.outcome, text: c.outcome.replace("_", "-") }));
      if (c.baseline) { li.appendChild(standingBadge(c)); }
      if (state.check) {
        var v = verdictOf(c, state.check) || "skip";
        li.appendChild(el("span", { "class": "badge " + v, text: state.check + ": " + v }));
      }
      li.appendChild(el("span", { "class": "name", text: c.name }));
      li.appendChild(el("span", { "class": "req", text: requestLine(c.request) +
        (c.observed ? " \u2192 HTTP " + c.observed.status : "") }));
      li.addEventListener("click", function () { navigate(state.row, state.check, c.name); });
      list.appendChild(li);
    });
    document.querySelectorAll("td.cell.selected").forEach(function (td) { td.classList.remove("selected"); });
    if (state.row !== null) {
      var td = document.querySelector('td.cell[data-row="' + state.row + '"][data-check="' + state.check + '"]');
      if (td) { td.classList.add("selected"); }
    }
  }

  function section(name, body) {
    return [el("h4", { text: name }), body];
  }

  function renderDetail() {
    var c = cases.filter(function (x) { return x.name === state.name; })[0];
    detail.textContent = "";
    if (!c) { detail.hidden = true; return; }
    detail.hidden = false;
    var parts = [
      el("h3", { text: c.name }),
      el("div", { "class": "meta" }, el("span", { "class": "badge " + c.outcome, text: c.outcome.replace("_", "-") }),
        " " + c.file + ":" + c.line + (c.tags.length ? " \u00b7 tags: " + c.tags.join(", ") : ""))
    ];
    if (c.description) { parts.push(el("p", { text: c.description })); }
    if (c.reason) { parts.push(el("p", { "class": "reason", text: "Reason: " + c.reason })); }
    if (c.baseline) {
      var b = c.baseline, said = b.reason ? " (" + b.reason + ")" : "";
      var more = b.was ? ": the entry says " + b.was : b.expired ? ": held until " + b.expired : "";
      parts.push(el("p", { "class": "reason" }, standingBadge(c), " baseline" + said + more));
    }
    var r = c.request;
    var req = [requestLine(r), "credentials: " + r.credentials];
    Object.keys(r.headers || {}).forEach(function (k) { req.push(k + ": " + r.headers[k]); });
    if (r.content_type) { req.push("content-type: " + r.content_type); }
    if (r.burst) { req.push("burst: " + r.burst + " copies at once"); }
    if (r.json !== undefined) { req.push("", JSON.stringify(r.json, null, 2)); }
    if (r.raw !== undefined) { req.push("", r.raw); }
    if (r.form_keys) { req.push("", "form with keys: " + r.form_keys.join(", ") + " (values not reported)"); }
    parts = parts.concat(section("Request", el("pre", { "class": "request", text: req.join("\n") })));
    var e = c.expected;
    var exp = ["status " + e.status];
    if (e.code !== undefined) { exp.push("code " + e.code); }
    if (e.oauth2_error) { exp.push("OAuth2 error " + e.oauth2_error); }
    if (e.type) { exp.push("type " + e.type); }
    if (e.parameter) { exp.push("parameterName " + e.parameter); }
    if (e.property) { exp.push("propertyName " + e.property); }
    if (e.message) { exp.push("message ~ /" + e.message + "/"); }
    parts = parts.concat(section("Expected", el("pre", { "class": "expected", text: exp.join("\n") })));
    if (c.observed) {
      var o = c.observed;
      var body = typeof o.body === "string" ? o.body : JSON.stringify(o.body, null, 2);
      var obs = "HTTP " + o.status + "\ncontent-type: " + (o.content_type || "(none)") +
        (o.truncated ? "\n(body truncated)" : "") + (o.burst ? "\nburst: " + JSON.stringify(o.burst) : "") + "\n\n" + body;
      parts = parts.concat(section("Observed response", el("pre", { "class": "observed", text: obs })));
    } else {
      parts = parts.concat(section("Observed response", el("p", { text: "No response: the case was not sent, or the transport failed." })));
    }
    var table = el("table", { "class": "checks" },
      el("thead", null, el("tr", null, el("th", { text: "check" }), el("th", { text: "verdict" }),
        el("th", { text: "expected" }), el("th", { text: "actual" }), el("th", { text: "note" }),
        el("th", { text: "rests on" }))));
    var tbody = el("tbody");
    CHECKS.forEach(function (k) {
      var v = c.checks[k];
      if (!v) { return; }
      tbody.appendChild(el("tr", { "class": "verdict-" + v.verdict, "data-check": k },
        el("td", { text: k }), el("td", null, el("span", { "class": "badge " + v.verdict, text: v.verdict })),
        el("td", { "class": "value", text: show(v.expected) }), el("td", { "class": "value", text: show(v.actual) }),
        el("td", { text: v.note || "" }),
        el("td", { "class": "source", text: v.source ? v.strength + ": " + v.source : "" })));
    });
    table.appendChild(tbody);
    if (tbody.children.length) { parts = parts.concat(section("Checks", table)); }
    parts.forEach(function (p) { detail.appendChild(p); });
  }

  function navigate(row, check, name) {
    var parts = [];
    if (row !== null) { parts.push("cell=" + encodeURIComponent(row) + "/" + encodeURIComponent(check)); }
    if (name) { parts.push("case=" + encodeURIComponent(name)); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (location.hash === hash || (hash === "" && location.hash === "")) { apply(); return; }
    if (hash === "") { history.pushState(null, "", location.pathname + location.search); apply(); return; }
    location.hash = hash;
  }

  function apply() {
    state = { row: null, check: null, name: null };
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i < 0) { return; }
      var key = part.slice(0, i), value = decodeURIComponent(part.slice(i + 1));
      if (key === "cell") {
        var j = value.lastIndexOf("/");
        if (j > 0) { state.row = value.slice(0, j); state.check = value.slice(j + 1); }
      } else if (key === "case") {
        state.name = value;
      }
    });
    renderList();
    renderDetail();
  }

  document.querySelectorAll("td.cell").forEach(function (td) {
    var open = function () { navigate(td.getAttribute("data-row"), td.getAttribute("data-check"), null); };
    td.addEventListener("click", open);
    td.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); } });
  });
  Object.keys(filters).forEach(function (k) { filters[k].addEventListener("change", renderList); });
  document.getElementById("show-all").addEventListener("click", function () { navigate(null, null, state.name); });
  document.getElementById("hide-unexercised").addEventListener("change", function (ev) {
    document.body.classList.toggle("hide-unexercised", ev.target.checked);
  });
  window.addEventListener("hashchange", apply);
  apply();
})();
