// Timeline scrubber: replays what was known at the chosen time.
"use strict";
(function () {
  const range = document.getElementById("asof"), out = document.getElementById("asoflabel"), box = document.getElementById("timeline");
  if (!range) return;
  let timer = null;
  range.addEventListener("input", () => {
    const max = Number(range.max), v = Number(range.value);
    const iso = new Date(v * 1000).toISOString().replace(".000", "");
    out.textContent = v >= max ? "now (recorded state)" : "as of " + iso;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = new URLSearchParams({ agreement: document.getElementById("agreement").value, fragment: "1" });
      if (v < max) q.set("as_of", iso);
      const r = await fetch("/timeline?" + q, { credentials: "same-origin" });
      if (r.ok) box.innerHTML = await r.text();
    }, 250);
  });
})();
