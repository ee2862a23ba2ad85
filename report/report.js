(function () {
  "use strict";
  // rows are a table's body rows, or the articles of a list of cards (the topic briefs).
  function rows(el) { return Array.prototype.slice.call(el.tBodies ? el.tBodies[0].rows : el.querySelectorAll(":scope > article")); }
  function count(id) {
    var t = document.getElementById(id), c = document.querySelector('[data-count="' + id + '"]');
    if (!t || !c) { return; }
    var all = rows(t), shown = all.filter(function (r) { return !r.hidden; }).length;
    c.textContent = shown + " of " + all.length + " shown";
  }
  function apply(id) {
    var t = document.getElementById(id);
    if (!t) { return; }
    var box = document.querySelector('input[data-filter="' + id + '"]');
    var words = box ? box.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var sels = document.querySelectorAll('select[data-filter-col="' + id + '"]');
    rows(t).forEach(function (r) {
      if (r.cells && r.cells.length < 2) { return; }
      var text = r.textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      Array.prototype.forEach.call(sels, function (s) {
        var col = +s.getAttribute("data-col");
        if (s.value && r.cells[col] && r.cells[col].textContent.trim() !== s.value) { ok = false; }
      });
      r.hidden = !ok;
    });
    count(id);
  }
  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    var id = box.getAttribute("data-filter");
    box.addEventListener("input", function () { apply(id); });
    count(id);
  });
  document.querySelectorAll("select[data-filter-col]").forEach(function (s) {
    s.addEventListener("change", function () { apply(s.getAttribute("data-filter-col")); });
  });
  document.querySelectorAll("table.sortable").forEach(function (t) {
    var heads = t.tHead.rows[0].cells;
    function sortBy(col, asc) {
      var th = heads[col], numeric = th.getAttribute("data-sort") === "num";
      Array.prototype.forEach.call(heads, function (h) { h.classList.remove("asc", "desc"); });
      th.classList.add(asc ? "asc" : "desc");
      var rs = rows(t).filter(function (r) { return r.cells.length > col; });
      rs.sort(function (a, b) {
        var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
        var d = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
        return asc ? d : -d;
      });
      rs.forEach(function (r) { t.tBodies[0].appendChild(r); });
    }
    // On a phone the table reflows into cards and its header is hidden: a menu sorts it instead, by
    // each column both ways (numbers highest first, words from A).
    var menu = document.createElement("select");
    menu.className = "phone-sort";
    menu.setAttribute("aria-label", "Sort the table by");
    menu.appendChild(new Option("Sort by…", ""));
    Array.prototype.forEach.call(heads, function (th, col) {
      th.tabIndex = 0;
      function sort() { sortBy(col, !th.classList.contains("asc")); }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
      var name = th.textContent.trim(), numeric = th.getAttribute("data-sort") === "num";
      if (name === "") { return; }
      menu.appendChild(new Option(name + (numeric ? ", highest first" : ", A to Z"), col + (numeric ? ":desc" : ":asc")));
      menu.appendChild(new Option(name + (numeric ? ", lowest first" : ", Z to A"), col + (numeric ? ":asc" : ":desc")));
    });
    menu.addEventListener("change", function () {
      if (menu.value === "") { return; }
      var v = menu.value.split(":");
      sortBy(parseInt(v[0], 10), v[1] === "asc");
    });
    t.parentNode.insertBefore(menu, t);
  });
})();
