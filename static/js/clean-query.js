/* Progressive enhancement: a list's filter form sends only what is filled in, so the URL a reader
   shares is short (the server redirects to the same clean URL when this script does not run). */
(function () {
  "use strict";
  function clean(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[method=get]")) { return; }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled) { return; }
      var isDefault = field.hasAttribute("data-default") && field.value === field.getAttribute("data-default");
      if (field.value.trim() === "" || isDefault) {
        field.disabled = true;
        field.setAttribute("data-cleaned", "");
      }
    });
  }
  function restore() {
    /* Coming back with the Back button: the form must work again. */
    Array.prototype.forEach.call(document.querySelectorAll("[data-cleaned]"), function (field) {
      field.disabled = false;
      field.removeAttribute("data-cleaned");
    });
  }
  document.addEventListener("submit", clean);
  window.addEventListener("pageshow", restore);
}());
