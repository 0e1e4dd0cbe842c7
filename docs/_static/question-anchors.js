// The questions were all on one page once: a link to one of them (questions.html#q-...) goes
// on to the page that holds it now, which this page's list of questions links to.
const anchor = window.location.hash;
if (/^#q-[a-z0-9-]+$/.test(anchor)) {
  const link = document.querySelector(`.toctree-wrapper a[href$="${anchor}"]`);
  if (link) window.location.replace(link.href);
}
