// The query page: runs the query against /sparql, shows the rows (or the graph of a CONSTRUCT or
// DESCRIBE), offers CSV and JSON downloads. No third-party code and no network access beyond this server.
(function () {
  "use strict";
  const form = document.getElementById("query-form");
  if (!form) { return; }
  const text = document.getElementById("query");
  const status = document.getElementById("status");
  const table = document.getElementById("results");
  const graph = document.getElementById("graph");
  const button = document.getElementById("run");
  const csv = document.getElementById("download-csv");
  const json = document.getElementById("download-json");
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const select = document.getElementById("example");
  // IRIs this server answers for: data under the base, the ontology under /def.
  const base = form.dataset.base || "";
  const ontology = form.dataset.ontology || "";

  function localPath(iri) {
    if (base && iri.startsWith(base)) { return "/" + iri.slice(base.length); }
    if (ontology && (iri === ontology || iri.startsWith(ontology + "#"))) {
      return "/def" + iri.slice(ontology.length);
    }
    return null;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = localPath(term.value) || term.value;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) { td.lang = term["xml:lang"]; }
    }
    return td;
  }

  function updateDownloads() {
    const q = encodeURIComponent(text.value);
    csv.href = "/sparql?format=csv&query=" + q;
    json.href = "/sparql?format=json&query=" + q;
  }

  function showError(message) {
    status.textContent = message;
    status.className = "error";
  }

  function showRows(data, truncated) {
    const vars = data.head.vars;
    const head = document.createElement("tr");
    vars.forEach(function (v) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.appendChild(th);
    });
    const thead = document.createElement("thead");
    thead.appendChild(head);
    const tbody = document.createElement("tbody");
    data.results.bindings.forEach(function (b) {
      const tr = document.createElement("tr");
      vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
      tbody.appendChild(tr);
    });
    table.replaceChildren(thead, tbody);
    const n = data.results.bindings.length;
    status.textContent = n === 0 ? status.dataset.none : n + " " + status.dataset.rows +
      (truncated ? " — " + status.dataset.truncated : "");
  }

  async function run(event) {
    event.preventDefault();
    status.className = "";
    status.textContent = status.dataset.loading;
    table.replaceChildren();
    graph.hidden = true;
    graph.textContent = "";
    button.disabled = true;
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/sparql-query",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: text.value,
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        showError(response.status + ": " + (await response.text()).trim());
      } else if (type.startsWith("text/turtle")) {
        graph.textContent = await response.text();
        graph.hidden = false;
        status.textContent = "";
      } else {
        const data = await response.json();
        if (data.boolean !== undefined) {
          status.textContent = String(data.boolean);
        } else {
          showRows(data, response.headers.get("X-Kgpub-Truncated"));
        }
      }
    } catch (err) {
      showError(String(err && err.message ? err.message : err));
    } finally {
      button.disabled = false;
    }
  }

  select.addEventListener("change", function () {
    if (select.value !== "") {
      text.value = examples[Number(select.value)].sparql;
      updateDownloads();
    }
  });
  text.addEventListener("input", updateDownloads);
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { form.requestSubmit(); }
  });
  form.addEventListener("submit", run);
  updateDownloads();
}());
