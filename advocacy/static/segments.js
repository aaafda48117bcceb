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
      const {count, error, warnings} = await response.json();
      out.textContent = error ? error : count === null ? "Members: fill in a condition to count them."
        : [`Members now: ${count}`].concat(warnings || []).join(" ");
    }, 250);
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
});

// Each condition's value offers the names that exist for its kind: departments, regions or groups.
document.querySelectorAll("select[data-values-for]").forEach((select) => {
  const input = select.form.querySelector(`input[name="${select.dataset.valuesFor}"]`);
  select.addEventListener("change", () => input.setAttribute("list", `values-${select.value}`));
});
