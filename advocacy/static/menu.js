// The main menu folds behind its button on narrow screens. Without this script the menu simply stays open.
(() => {
  const header = document.querySelector("header.top");
  const toggle = header && header.querySelector(".menu-toggle");
  if (!toggle) return;
  header.classList.add("folding");
  toggle.addEventListener("click", () => {
    const open = header.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
