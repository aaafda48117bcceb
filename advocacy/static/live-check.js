// While the editor types: each message's length against the network's limit and its compliance
// findings, from the same engine that decides on save (so the two never disagree).
document.querySelectorAll("textarea[data-network]").forEach((area) => {
  const out = area.parentElement.querySelector(".live-check");
  const token = area.form.querySelector("input[name=csrf_token]").value;
  let timer = null;
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const body = new URLSearchParams({csrf_token: token, network: area.dataset.network, text: area.value});
      const response = await fetch("/studio/check", {method: "POST", body});
      if (!response.ok) return;
      const {messages} = await response.json();
      out.innerHTML = messages.map((m, i) => {
        const size = `<span class="${m.length > m.limit ? "error" : "muted"}">${m.length}/${m.limit}</span>`;
        const items = m.findings.map((f) =>
          `<li class="finding-${f.severity}"><strong>${f.label}:</strong> ${escapeHtml(f.message)}</li>`).join("");
        return `<div class="live-message">Message ${i + 1} ${size}<p class="message">${m.html}</p>` +
          (items ? `<ul class="findings">${items}</ul>` : "") + `</div>`;
      }).join("");
    }, 300);
  });
});
function escapeHtml(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span.innerHTML;
}
