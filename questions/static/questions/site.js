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

// Menus (<details class="menu">) close as menus do: on Escape, returning focus to their
// button, and on a click or focus anywhere outside them.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") {
    return;
  }
  const menu = event.target instanceof Element && event.target.closest("details.menu[open]");
  if (menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
for (const type of ["click", "focusin"]) {
  document.addEventListener(type, (event) => {
    for (const menu of document.querySelectorAll("details.menu[open]")) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    }
  });
}
