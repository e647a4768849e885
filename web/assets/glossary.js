// The glossary's filter: shows the terms whose name or definition holds what is typed. The page
// lists every term without it; the box appears only when this script runs.
const box = document.querySelector(".glossary-filter");
const input = document.getElementById("glossary-filter");
const count = document.getElementById("glossary-count");
const none = document.getElementById("glossary-none");
const entries = [...document.querySelectorAll(".term-entry")].map((entry) => ({
  entry,
  words: entry.textContent.toLowerCase().replace(/\s+/g, " "),
}));

function filter() {
  const wanted = input.value.trim().toLowerCase().replace(/\s+/g, " ");
  let shown = 0;
  for (const { entry, words } of entries) {
    const match = !wanted || words.includes(wanted);
    entry.hidden = !match;
    shown += match;
  }
  none.hidden = shown > 0;
  count.textContent = wanted ? `${shown} of ${entries.length} terms.` : `${entries.length} terms.`;
}

box.hidden = false;
input.addEventListener("input", filter);
