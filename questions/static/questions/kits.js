/* Interview kits: drag-and-drop order, focus kept through htmx swaps, print and copy buttons.
 * Everything here is an enhancement: every action also works as a plain form without it. */
(function () {
  "use strict";

  // After a swap replaces the control that had focus, these stand in for it.
  var PARTNERS = [
    [/^bank-add-(\d+)$/, ["bank-remove-$1"]],
    [/^bank-remove-(\d+)$/, ["bank-add-$1"]],
    [/^move-up-(\d+)$/, ["move-up-$1", "move-down-$1"]],
    [/^move-down-(\d+)$/, ["move-down-$1", "move-up-$1"]],
    [/^(accept|keep)-(\d+)$/, ["minutes-$2"]],
    [/^remove-(\d+)$/, ["kit-undo", "kit-heading"]],
    [/^kit-undo$/, ["kit-heading"]],
  ];
  var lastFocusId = null;

  function restoreFocus() {
    var active = document.activeElement;
    if (!lastFocusId || (active && active !== document.body && document.contains(active))) {
      return;
    }
    var candidates = [lastFocusId];
    PARTNERS.forEach(function (rule) {
      if (rule[0].test(lastFocusId)) {
        rule[1].forEach(function (pattern) {
          candidates.push(lastFocusId.replace(rule[0], pattern));
        });
      }
    });
    for (var i = 0; i < candidates.length; i++) {
      var element = document.getElementById(candidates[i]);
      if (element && !element.disabled) {
        element.focus();
        return;
      }
    }
  }

  function initSortable(root) {
    if (typeof Sortable === "undefined") {
      return;
    }
    var lists = Array.prototype.slice.call(root.querySelectorAll("[data-sortable-form]"));
    if (root.matches && root.matches("[data-sortable-form]")) {
      lists.push(root);
    }
    lists.forEach(function (list) {
      if (list.dataset.sortableReady) {
        return;
      }
      list.dataset.sortableReady = "true";
      var form = document.getElementById(list.dataset.sortableForm);
      Sortable.create(list, {
        handle: ".drag-handle",
        animation: 150,
        onEnd: function (event) {
          if (form && event.oldIndex !== event.newIndex) {
            // The form posts every item's id in the new order (inputs tied to it by form=).
            htmx.trigger(form, "kit:reorder");
          }
        },
      });
    });
  }

  function showStatus(text) {
    var status = document.getElementById("kit-status");
    if (status) {
      status.textContent = "";
      var span = document.createElement("span");
      span.className = "status-error";
      span.textContent = text;
      status.appendChild(span);
    }
  }

  function initButtons(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.copy);
        navigator.clipboard.writeText(input.value).then(function () {
          button.textContent = "Copied";
        });
      });
    });
  }

  // On a narrow screen the kit and the bank are two tabs (the CSS hides the other one).
  function initTabs() {
    var tablist = document.querySelector(".builder-tabs");
    if (!tablist) {
      return;
    }
    var builder = tablist.closest(".kit-builder");
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
    builder.classList.add("has-tabs");
    tablist.hidden = false;
    function select(tab, focus) {
      builder.dataset.view = tab.dataset.view;
      tabs.forEach(function (other) {
        var selected = other === tab;
        other.setAttribute("aria-selected", selected ? "true" : "false");
        other.tabIndex = selected ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).setAttribute("role", "tabpanel");
      });
      if (focus) {
        tab.focus();
      }
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () {
        select(tab, false);
      });
      tab.addEventListener("keydown", function (event) {
        var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (step) {
          event.preventDefault();
          select(tabs[(index + step + tabs.length) % tabs.length], true);
        }
      });
    });
    select(tabs[0], false);
    // The kit's tab says how many questions it holds, so adding from the bank shows at once.
    var kitTab = tabs[0];
    var kitLabel = kitTab.textContent;
    function countQuestions() {
      var count = document.querySelector("#kit-summary .summary-line strong");
      kitTab.textContent = count ? kitLabel + " (" + count.textContent + ")" : kitLabel;
    }
    countQuestions();
    document.body.addEventListener("htmx:afterSettle", countQuestions);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initButtons(document);
    initTabs();
    if (typeof htmx === "undefined") {
      return;
    }
    initSortable(document);
    htmx.onLoad(initSortable);

    document.body.addEventListener("htmx:beforeRequest", function () {
      var active = document.activeElement;
      lastFocusId = active && active.id ? active.id : null;
    });
    // A refused change (400) still carries the kit's current state and a message: show it.
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.xhr.status === 400) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    // After settling, not after swapping: htmx binds new content (the Undo form's hx-post)
    // when it settles, and Enter on a control focused before that would post it as a plain
    // form, reloading the page.
    document.body.addEventListener("htmx:afterSettle", function () {
      window.requestAnimationFrame(restoreFocus);
    });
    document.body.addEventListener("htmx:responseError", function () {
      showStatus("That change could not be saved. Reload the page to see the kit as it is now.");
    });
    document.body.addEventListener("htmx:sendError", function () {
      showStatus("The server could not be reached. Check the connection and try again.");
    });
  });
})();
