// Filters the product list as you type: fetches /api/products and redraws
// the list without reloading the page. The form still works without
// JavaScript (it submits ?q= to the server).
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var list = document.getElementById("product-list");
  var count = document.getElementById("result-count");
  var empty = document.getElementById("no-results");
  var timer = null;
  var inflight = null;

  function render(data) {
    list.replaceChildren();
    data.products.forEach(function (p) {
      var item = document.createElement("li");
      var article = document.createElement("article");
      var name = document.createElement("h2");
      name.textContent = p.name;
      var category = document.createElement("p");
      category.className = "category";
      category.textContent = p.category;
      var description = document.createElement("p");
      description.textContent = p.description;
      var price = document.createElement("p");
      price.className = "price";
      price.textContent = p.price;
      article.append(name, category, description, price);
      item.append(article);
      list.append(item);
    });
    count.textContent = data.count + (data.count === 1 ? " product" : " products");
    empty.hidden = data.count !== 0;
  }

  function search() {
    var q = input.value.trim();
    // Only the latest search may redraw the list.
    if (inflight) {
      inflight.abort();
    }
    inflight = new AbortController();
    fetch("/api/products?q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" },
      signal: inflight.signal
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("search failed with status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        render(data);
        history.replaceState(null, "", q ? "/products?q=" + encodeURIComponent(q) : "/products");
      })
      .catch(function (err) {
        if (err.name !== "AbortError") {
          count.textContent = "Search is unavailable right now.";
        }
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
})();
