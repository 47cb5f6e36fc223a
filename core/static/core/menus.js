// Progressive enhancement for the page frame (core/templates/core/base.html, core/_worknav.html):
// Escape closes an open <details> menu and puts the focus back on its toggle; a click or focus
// outside closes it; a table or chart box that scrolls sideways (on a phone) can be reached with
// Tab, so it can be scrolled with the arrow keys. Without this file everything works as well,
// only without these shortcuts.
(function () {
  "use strict";
  var MENUS = "details.site-menu, details.worknav-group";

  function closeAll(except) {
    document.querySelectorAll(MENUS).forEach(function (menu) {
      if (menu !== except && menu.open) {
        menu.open = false;
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var menu = document.activeElement && document.activeElement.closest(MENUS + "[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });

  document.addEventListener("click", function (event) {
    closeAll(event.target.closest(MENUS));
  });

  document.addEventListener("focusin", function (event) {
    closeAll(event.target.closest(MENUS));
  });

  function focusableScrollBoxes() {
    document.querySelectorAll(".kern-table-responsive, .chart-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollBoxes);
  window.addEventListener("resize", focusableScrollBoxes);
})();
