// Copy buttons for citations: shown only where the clipboard can be written.
// The page works without this script; the citation text can be selected by hand.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        var label = button.textContent;
        button.textContent = "Скопировано";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });
});
