// The page viewer's zoom buttons. Next/previous and the jump to an evidence box are plain links
// (the box is the link's #fragment, styled by :target), so they work without this script too.
"use strict";

(function () {
  const steps = [50, 75, 100, 150, 200, 300];
  const page = document.getElementById("page");
  const label = document.querySelector(".zoom-level");
  if (!page || !label) {
    return;
  }
  let level = 100;

  function apply(next) {
    page.classList.remove("zoom-" + level);
    level = next;
    page.classList.add("zoom-" + level);
    label.textContent = level + "%";
  }

  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      const at = steps.indexOf(level);
      const action = button.getAttribute("data-zoom");
      if (action === "in" && at < steps.length - 1) {
        apply(steps[at + 1]);
      } else if (action === "out" && at > 0) {
        apply(steps[at - 1]);
      } else if (action === "fit") {
        apply(100);
      }
    });
  });

  // Arrow keys turn the pages, as in any document viewer (not while typing in a field).
  document.addEventListener("keydown", function (event) {
    if (event.target instanceof HTMLInputElement || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const rel = event.key === "ArrowRight" ? "next" : event.key === "ArrowLeft" ? "prev" : null;
    const link = rel && document.querySelector('.toolbar a[rel="' + rel + '"]');
    if (link) {
      window.location.assign(link.href);
    }
  });

  // A jump to a box scrolls it to the middle of the stage, not to its top edge; opened from a search
  // result, the page scrolls to the passage that matched.
  const target =
    (window.location.hash && document.getElementById(window.location.hash.slice(1))) ||
    document.querySelector("svg.boxes .box.passage");
  if (target && typeof target.scrollIntoView === "function") {
    target.scrollIntoView({ block: "center", inline: "center" });
  }
})();
