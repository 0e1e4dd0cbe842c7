// The search page: Pagefind's interface, searching at once for the words that furo's search
// box sent (search.html?q=...). Results link to the section that matched, where there is one.
// Pagefind shows only the pages that hold every word searched for, and it indexes
// `torch.autograd.grad` and `no_grad` as a whole and as their parts, but searches for a word
// that joins parts with "." or "_" as a whole. So a searched word is split into its parts, as
// the index splits it; and words that no page can hold are left out: "vs", and words without
// a letter or digit, such as "+=".
function searchedWords(term) {
  return term
    .replace(/\b(?:vs|versus)\b\.?/gi, " ")
    .replace(/(?<=[\p{L}\p{N}])[._:/-](?=[\p{L}\p{N}])/gu, " ")
    .replace(/(?<=^|\s)[^\p{L}\p{N}\s]+(?=\s|$)/gu, " ");
}

window.addEventListener("DOMContentLoaded", () => {
  const search = new PagefindUI({
    element: "#search",
    baseUrl: new URL(".", window.location.href).pathname,  // search.html is at the root
    showSubResults: true,
    showImages: false,
    processTerm: searchedWords,
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    search.triggerSearch(query);
  }
});
