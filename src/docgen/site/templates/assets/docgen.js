/* docgen status site: make the tables marked dg-sortable sortable (tablesort, shipped with the site). */
(function () {
  function init() {
    document.querySelectorAll(".dg-sortable table").forEach(function (table) {
      if (!table.dataset.dgSorted) {
        table.dataset.dgSorted = "1";
        new Tablesort(table);
      }
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
