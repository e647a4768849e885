// The embed page: snippets with this site's own address, and a live example of a host page that
// drives an embedded lesson with postMessage only. Everything the lesson answers is shown as text.
for (const field of document.querySelectorAll("textarea[data-path]")) {
  const src = new URL(field.dataset.path, location.href).href;
  const title = field.dataset.title.replaceAll("\"", "&quot;");
  field.value = `<iframe src="${src}" title="${title}" width="100%" ` +
    `height="${field.dataset.height}" style="border:0" loading="lazy"></iframe>`;
}

const frame = document.getElementById("demo-frame");
const log = document.getElementById("demo-log");
let nextId = 1;

function note(text) {
  const item = document.createElement("li");
  item.textContent = text;
  log.append(item);
  while (log.children.length > 12) log.firstElementChild.remove();
}

function shortly(result) {
  if (result && result.results && result.results.probabilities) {
    const { probabilities } = result.results;
    return `probabilities ${probabilities.map((p) => p.toFixed(3)).join(", ")}`;
  }
  return JSON.stringify(result).slice(0, 200);
}

addEventListener("message", (event) => {
  if (event.source !== frame.contentWindow) return;
  const message = event.data && event.data.faders;
  if (!message || typeof message !== "object") return;
  if (message.event) note(`event ${message.event}${message.settings ? `: ${new URLSearchParams(message.settings)}` : ""}`);
  else if (message.error) note(`reply ${message.id}: refused, ${message.error}`);
  else note(`reply ${message.id}: ${shortly(message.result)}`);
});

for (const button of document.querySelectorAll("[data-method]")) {
  button.addEventListener("click", () => {
    const id = nextId++;
    const argument = button.dataset.argument ? JSON.parse(button.dataset.argument) : undefined;
    note(`sent ${id}: ${button.dataset.method} ${button.dataset.argument || ""}`);
    frame.contentWindow.postMessage({ faders: { id, method: button.dataset.method, argument } }, location.origin);
  });
}

document.getElementById("demo-load").addEventListener("click", (event) => {
  event.target.disabled = true;
  document.getElementById("demo").hidden = false;
  frame.src = frame.dataset.src;
});
