// The search page: Pagefind's interface, searching at once for the words that furo's search
// box sent (search.html?q=...). Results link to the section that matched, where there is one.
window.addEventListener("DOMContentLoaded", () => {
  const search = new PagefindUI({
    element: "#search",
    baseUrl: new URL(".", window.location.href).pathname,  // search.html is at the root
    showSubResults: true,
    showImages: false,
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    search.triggerSearch(query);
  }
});
