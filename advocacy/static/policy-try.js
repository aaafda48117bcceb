// The "try a text" box of the compliance policy page: while the admin types (in the box or in the
// policy itself), the text is checked against the policy as drafted, by the engine that will use it.
(() => {
  const form = document.getElementById("policy-form");
  const box = document.getElementById("try-text");
  const out = document.getElementById("try-result");
  if (!form || !box || !out) return;
  let timer = null;
  let sent = 0;
  const escapeHtml = (text) => {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  };
  const check = async () => {
    if (!box.value.trim()) { out.innerHTML = ""; return; }
    const mine = ++sent;
    const response = await fetch(box.dataset.try, {method: "POST", body: new URLSearchParams(new FormData(form))});
    if (mine !== sent) return;  // a newer check is on its way
    const result = await response.json();
    if (!response.ok) {
      out.innerHTML = `<p class="error">${escapeHtml(result.error || "The text could not be checked.")}</p>`;
      return;
    }
    const items = result.findings.map((f) =>
      `<li class="finding-${f.severity}"><strong>${escapeHtml(f.label)} (${f.severity})</strong>` +
      (f.words ? ` “${escapeHtml(f.words)}”` : "") + `: ${escapeHtml(f.message)}</li>`).join("");
    const verdict = result.ok ? (items ? "Allowed, with warnings." : "Nothing found.") : "Blocked.";
    out.innerHTML = `<p class="verdict ${result.ok ? "ok" : "blocked"}">${verdict}</p>` +
      `<p class="message">${result.html}</p>` + (items ? `<ul class="findings">${items}</ul>` : "");
  };
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
})();
