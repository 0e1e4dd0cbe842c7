// A moved page: go to its new address at once, with the anchor the reader followed.
const target = document.querySelector('link[rel="canonical"]').href;
window.location.replace(target + window.location.hash);
