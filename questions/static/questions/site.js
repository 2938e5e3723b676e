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

// Leave unset filters out of the search address, so shared links stay short:
// /search/?q=team rather than /search/?q=team&competency=&role=&type=&level=
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || form.id !== "site-search") {
    return;
  }
  const parameters = event.detail.parameters;
  for (const [name, value] of Array.from(parameters.entries())) {
    if (value === "") {
      parameters.delete(name);
    }
  }
});
