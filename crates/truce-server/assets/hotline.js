// The hotline inbox, live: referral events arrive over SSE and rows appear or
// change in place; Acknowledge posts with the session's CSRF token.
"use strict";
(function () {
  const tbody = document.querySelector("#inbox tbody");
  if (!tbody) return;
  const live = document.getElementById("live");
  const role = document.body.dataset.role || "";
  const esc = window.truce.esc;
  function row(r) {
    const tr = document.createElement("tr");
    tr.dataset.id = r.id; tr.className = "state-" + r.state + " fresh";
    const canAck = role === "guarantor:" + r.guarantor && r.state !== "acknowledged";
    tr.innerHTML = `<td>${esc(r.created_at)}</td><td><a href="/incidents/${encodeURIComponent(r.incident_id)}">${esc(r.sub_event_type)} · ${esc(r.location || r.admin1 || "?")}</a><div class="evidence-line">${esc(r.evidence)}</div></td>` +
      `<td>${esc(r.agreement_key)}</td><td>${esc(r.guarantor_name)}</td><td>${esc((r.responsible || []).join(", ") || "unknown")}</td><td>${esc(r.deadline_at)}</td>` +
      `<td class="state">${esc(r.state)}</td><td>${canAck ? `<button type="button" class="ack" data-id="${esc(r.id)}">Acknowledge</button>` : ""} <a href="/hotline/${encodeURIComponent(r.id)}">Thread</a></td>`;
    return tr;
  }
  function upsert(r) {
    const old = tbody.querySelector(`tr[data-id="${CSS.escape(r.id)}"]`);
    const tr = row(r);
    if (old) old.replaceWith(tr); else tbody.prepend(tr);
    const empty = document.getElementById("empty"); if (empty) empty.hidden = true;
  }
  tbody.addEventListener("click", async (ev) => {
    const b = ev.target.closest("button.ack"); if (!b) return;
    b.disabled = true;
    const r = await window.truce.post(`/api/v1/referrals/${encodeURIComponent(b.dataset.id)}/ack`);
    if (r.ok) upsert(await r.json()); else { b.disabled = false; alert("Could not acknowledge: " + ((await r.json()).error || {}).message); }
  });
  const es = new EventSource("/api/v1/hotline/events");
  es.addEventListener("ready", () => { live.textContent = "live"; live.classList.add("on"); document.body.dataset.live = "1"; });
  es.onerror = () => { live.textContent = "reconnecting…"; live.classList.remove("on"); };
  for (const kind of ["referral.created", "referral.acknowledged", "referral.escalated"]) {
    es.addEventListener(kind, (e) => upsert(JSON.parse(e.data)));
  }
  es.addEventListener("referral.replied", (e) => {
    const d = JSON.parse(e.data); const tr = tbody.querySelector(`tr[data-id="${CSS.escape(d.referral)}"]`);
    if (tr) tr.classList.add("fresh");
  });
})();
