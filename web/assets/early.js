// Runs before the first paint: an embedded page (embed=1) drops the site's chrome at once.
if (new URLSearchParams(location.search).get("embed") === "1") document.documentElement.classList.add("embed");
