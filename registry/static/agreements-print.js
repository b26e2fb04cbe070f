// The notification sheet's print button, kept out of the template.
document.getElementById("print-sheet")?.addEventListener("click", () => window.print());
