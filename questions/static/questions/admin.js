// The admin, made to pass the same accessibility checks as the rest of the site.
// The two-list picker (filter_horizontal) labels its filter icons with aria-label on a plain
// span, which assistive technology ignores: as images, the label is their name. The
// search-as-you-type picker (autocomplete_fields) leaves its search box unnamed: it takes
// the name of the field it searches for.
(function () {
  "use strict";

  function nameIcons(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll("input.select2-search__field:not([aria-label])").forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var label = select && select.id && document.querySelector("label[for='" + select.id + "']");
      box.setAttribute("aria-label", "Search " + (label ? label.textContent.replace(/:$/, "") : "the list"));
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
