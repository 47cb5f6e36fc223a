// Progressive enhancement for the <details> menus in the header (core/templates/core/base.html,
// core/_worknav.html): Escape closes an open menu and puts the focus back on its toggle; a click
// or focus outside closes it. Without this file the menus work as plain <details>.
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
})();
