// Small site-wide behaviour. Loaded with `defer`; no inline scripts, so a strict
// Content-Security-Policy can forbid them.

// "/" jumps to the search box, as on most sites, unless the person is typing somewhere.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  const target = event.target;
  if (
    target instanceof Element &&
    (target.closest("input, textarea, select") || target.isContentEditable)
  ) {
    return;
  }
  const box = document.querySelector("[data-search-input]");
  if (!box) {
    return;
  }
  event.preventDefault();
  box.focus();
  box.select();
});
