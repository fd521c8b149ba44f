// The query page: runs the query against /sparql, shows the rows, offers CSV and JSON downloads.
// No third-party code and no network access beyond this server.
(function () {
  "use strict";
  const form = document.getElementById("query-form");
  const text = document.getElementById("query");
  const status = document.getElementById("status");
  const table = document.getElementById("results");
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const select = document.getElementById("example");

  select.addEventListener("change", function () {
    if (select.value !== "") { text.value = examples[Number(select.value)].sparql; }
  });

  function cell(term) {
    const td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      const a = document.createElement("a");
      const local = term.value.startsWith(location.origin) ? term.value : localPath(term.value);
      a.href = local || term.value;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
    return td;
  }

  function localPath(iri) {
    const m = iri.match(/^https?:\/\/[^/]+(\/id\/.*)$/);
    return m ? m[1] : null;
  }

  async function run(event) {
    event.preventDefault();
    status.textContent = status.dataset.loading;
    table.replaceChildren();
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json" },
      body: text.value,
    });
    if (!response.ok) {
      status.textContent = response.status + ": " + (await response.text());
      status.className = "error";
      return;
    }
    status.className = "";
    const data = await response.json();
    if (data.boolean !== undefined) { status.textContent = String(data.boolean); return; }
    const vars = data.head.vars;
    const head = document.createElement("tr");
    vars.forEach(function (v) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    const thead = document.createElement("thead"); thead.appendChild(head); table.appendChild(thead);
    const tbody = document.createElement("tbody");
    data.results.bindings.forEach(function (b) {
      const tr = document.createElement("tr");
      vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    const n = data.results.bindings.length;
    status.textContent = n === 0 ? status.dataset.none : n + " " + status.dataset.rows +
      (response.headers.get("X-Kgpub-Truncated") ? " — " + status.dataset.truncated : "");
  }

  function download(format) {
    return function (event) {
      event.preventDefault();
      location.href = "/sparql?format=" + format + "&query=" + encodeURIComponent(text.value);
    };
  }

  form.addEventListener("submit", run);
  document.getElementById("download-csv").addEventListener("click", download("csv"));
  document.getElementById("download-json").addEventListener("click", download("json"));
}());
