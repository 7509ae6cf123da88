// The main menu folds behind its button on a phone (site.css). Without this script the
// button stays hidden and the menu open.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const nav = document.querySelector(".main-nav");
  const button = nav && nav.querySelector(".menu-toggle");
  if (!button) {
    return;
  }
  const setOpen = (open) => {
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("menu-open", open);
  };
  nav.classList.add("menu-folds");
  button.hidden = false;
  button.addEventListener("click", () => {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  nav.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
});
