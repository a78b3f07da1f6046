// Truce dashboard: keyboard shortcuts and a fetch helper that sends the CSRF token.
"use strict";
window.truce = {
  csrf: () => (document.querySelector('meta[name=csrf]') || {}).content || "",
  post: (url, body) => fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": window.truce.csrf() },
    body: JSON.stringify(body || {}),
  }),
  esc: (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])),
};
(function () {
  let pendingG = false;
  const go = { m: "/map", i: "/incidents", t: "/timeline", a: "/agreements", h: "/hotline", n: "/ingest" };
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "/") { const s = document.querySelector(".search input"); if (s) { e.preventDefault(); s.focus(); } return; }
    if (pendingG) { pendingG = false; if (go[e.key]) { e.preventDefault(); location.href = go[e.key]; } return; }
    if (e.key === "g") { pendingG = true; setTimeout(() => (pendingG = false), 1200); return; }
    if (e.key === "j" || e.key === "k") {
      const rows = Array.from(document.querySelectorAll("table.nav-rows tbody tr"));
      if (!rows.length) return;
      let i = rows.findIndex((r) => r.classList.contains("current"));
      if (i >= 0) rows[i].classList.remove("current");
      i = Math.max(0, Math.min(rows.length - 1, i + (e.key === "j" ? 1 : -1)));
      rows[i].classList.add("current"); rows[i].scrollIntoView({ block: "nearest" });
      e.preventDefault(); return;
    }
    if (e.key === "Enter") {
      const cur = document.querySelector("table.nav-rows tbody tr.current a");
      if (cur) { e.preventDefault(); cur.click(); }
    }
  });
})();
