// Progressive enhancement only: every page works without this file.
import { initAll } from "./govuk/govuk-frontend.min.js";
initAll();

// Occupation search as you type, on the rep's "register a worker" form: fills a list of
// suggestions under the field from /web/occupations; without JavaScript the form takes the
// occupation typed in and checks it on submit.
const field = document.querySelector("[data-occupation-search]");
if (field) {
  const list = document.createElement("datalist");
  list.id = "occupation-suggestions";
  field.setAttribute("list", list.id);
  field.after(list);
  let timer;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    const q = field.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(async () => {
      const answer = await fetch(`/branch/occupations?q=${encodeURIComponent(q)}`,
                                 { headers: { Accept: "application/json" } });
      if (!answer.ok) return;
      list.replaceChildren(...(await answer.json()).map((o) => {
        const option = document.createElement("option");
        option.value = o.code;
        option.label = o.label;
        return option;
      }));
    }, 200);
  });
}
