// The admin, made to pass the same accessibility checks as the rest of the site.
// The two-list picker (filter_horizontal) labels its filter icons with aria-label on a plain
// span, which assistive technology ignores: as images, the label is their name.
(function () {
  "use strict";

  function nameIcons(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameIcons(document);
    // The picker is built when the page has loaded, after this runs.
    new MutationObserver(function () {
      nameIcons(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
