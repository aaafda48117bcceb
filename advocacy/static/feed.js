// Keeps "what colleagues shared" on each feed card current while the page is open.
(() => {
  const targets = document.querySelectorAll("[data-counts-for]");
  if (!targets.length) return;
  const refresh = async () => {
    const response = await fetch("/feed/counts", {credentials: "same-origin"});
    if (!response.ok) return;
    const counts = await response.json();
    targets.forEach((element) => {
      const entry = counts[element.dataset.countsFor];
      if (entry) element.textContent = entry.text;
    });
  };
  setInterval(refresh, 30000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
})();
