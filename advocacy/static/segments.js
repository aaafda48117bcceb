// The segment form's live count: how many opted-in ambassadors the rule being typed selects.
document.querySelectorAll("form[data-segment-preview]").forEach((form) => {
  const out = form.querySelector(".live-count");
  let timer = null;
  const update = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        if (name === "match" || name.startsWith("kind_") || name.startsWith("value_")) params.append(name, value);
      }
      const response = await fetch("/programme/segments/preview?" + params.toString());
      const {count, error} = await response.json();
      out.textContent = error ? error : count === null ? "Members: fill in a condition to count them."
        : `Members now: ${count}`;
    }, 250);
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
});
