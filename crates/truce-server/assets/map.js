// The map: governorate and district boundaries (bundled GeoJSON) drawn as SVG
// in an equirectangular projection, with incident clusters from the server's
// grid (/api/v1/map/clusters), so 100,000 incidents stay a few hundred circles.
// Offline by default; when the deployment configures a tile URL template
// (data-tiles, `{z}/{x}/{y}`), Web Mercator tiles are drawn under the
// boundaries, each placed by its corners so it lines up with this projection.
"use strict";
(function () {
  const svg = document.getElementById("map");
  if (!svg) return;
  const NS = "http://www.w3.org/2000/svg";
  const W = 1000, H = 800;
  let view = { w: 35.4, s: 32.2, e: 42.6, n: 37.5 };
  const k = Math.cos((34.8 * Math.PI) / 180);
  function fit() { // keep aspect: degrees per pixel equal on both axes (x scaled by cos(lat))
    const cx = (view.w + view.e) / 2, cy = (view.s + view.n) / 2;
    let dx = (view.e - view.w) * k, dy = view.n - view.s;
    if (dx / dy > W / H) dy = (dx * H) / W; else dx = (dy * W) / H;
    view = { w: cx - dx / k / 2, e: cx + dx / k / 2, s: cy - dy / 2, n: cy + dy / 2 };
  }
  fit();
  const px = (lon, lat) => [((lon - view.w) / (view.e - view.w)) * W, ((view.n - lat) / (view.n - view.s)) * H];
  const gTiles = document.createElementNS(NS, "g"), gBase = document.createElementNS(NS, "g"), gDots = document.createElementNS(NS, "g");
  gTiles.setAttribute("class", "tiles");
  svg.appendChild(gTiles); svg.appendChild(gBase); svg.appendChild(gDots);
  const tileUrl = svg.dataset.tiles || "";
  if (tileUrl) svg.classList.add("tiled");
  const tileLon = (x, z) => (x / 2 ** z) * 360 - 180;
  const tileLat = (y, z) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
  const tileX = (lon, z) => Math.floor(((lon + 180) / 360) * 2 ** z);
  const tileY = (lat, z) => { const r = (lat * Math.PI) / 180; return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z); };
  function drawTiles() {
    gTiles.textContent = "";
    if (!tileUrl) return;
    // About 256 px of the 1000-unit view per tile; at most 64 tiles.
    let z = Math.max(0, Math.min(18, Math.round(Math.log2((360 * W) / (256 * (view.e - view.w))))));
    let x0, x1, y0, y1;
    for (;;) {
      x0 = tileX(view.w, z); x1 = tileX(view.e, z); y0 = tileY(view.n, z); y1 = tileY(view.s, z);
      if ((x1 - x0 + 1) * (y1 - y0 + 1) <= 64 || z === 0) break;
      z -= 1;
    }
    const n = 2 ** z;
    for (let x = Math.max(0, x0); x <= Math.min(n - 1, x1); x++) {
      for (let y = Math.max(0, y0); y <= Math.min(n - 1, y1); y++) {
        const [ax, ay] = px(tileLon(x, z), tileLat(y, z)), [bx, by] = px(tileLon(x + 1, z), tileLat(y + 1, z));
        const img = document.createElementNS(NS, "image");
        img.setAttribute("href", tileUrl.replace("{z}", z).replace("{x}", x).replace("{y}", y));
        img.setAttribute("x", ax.toFixed(1)); img.setAttribute("y", ay.toFixed(1));
        img.setAttribute("width", (bx - ax).toFixed(1)); img.setAttribute("height", (by - ay).toFixed(1));
        img.setAttribute("preserveAspectRatio", "none");
        gTiles.appendChild(img);
      }
    }
  }
  let adm1 = null, adm2 = null;
  function ringPath(ring) { return ring.map((c, i) => (i ? "L" : "M") + px(c[0], c[1]).map((v) => v.toFixed(1)).join(",")).join("") + "Z"; }
  function geomPath(g) {
    const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    return polys.map((p) => p.map(ringPath).join("")).join("");
  }
  function drawBase() {
    drawTiles();
    gBase.textContent = "";
    for (const [data, cls] of [[adm1, "adm1"], [adm2, "adm2"]]) {
      if (!data) continue;
      for (const f of data.features) {
        const p = document.createElementNS(NS, "path");
        p.setAttribute("d", geomPath(f.geometry)); p.setAttribute("class", cls);
        const t = document.createElementNS(NS, "title"); t.textContent = f.properties.NAME_EN; p.appendChild(t);
        gBase.appendChild(p);
      }
    }
    if (adm1) for (const f of adm1.features) {
      const ring = (f.geometry.type === "Polygon" ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0]);
      let x = 0, y = 0; for (const c of ring) { x += c[0]; y += c[1]; }
      const [sx, sy] = px(x / ring.length, y / ring.length);
      const t = document.createElementNS(NS, "text"); t.setAttribute("x", sx); t.setAttribute("y", sy);
      t.setAttribute("class", "label"); t.textContent = f.properties.NAME_EN; gBase.appendChild(t);
    }
  }
  function zoomLevel() { return Math.max(0, Math.min(14, Math.round(Math.log2(8 / (view.e - view.w)) + 2))); }
  let seq = 0;
  async function drawDots() {
    const my = ++seq;
    const q = new URLSearchParams(new FormData(document.getElementById("filters")));
    for (const [k2, v] of Array.from(q.entries())) if (!v) q.delete(k2);
    q.set("zoom", zoomLevel()); q.set("bbox", [view.w, view.s, view.e, view.n].map((v) => v.toFixed(4)).join(","));
    const r = await fetch("/api/v1/map/clusters?" + q, { credentials: "same-origin" });
    if (!r.ok || my !== seq) return;
    const fc = await r.json();
    gDots.textContent = "";
    let total = 0;
    const max = Math.max(1, ...fc.features.map((f) => f.properties.count));
    for (const f of fc.features) {
      const p = f.properties; total += p.count;
      const [x, y] = px(f.geometry.coordinates[0], f.geometry.coordinates[1]);
      const c = document.createElementNS(NS, "circle");
      c.setAttribute("cx", x.toFixed(1)); c.setAttribute("cy", y.toFixed(1));
      c.setAttribute("r", (5 + 16 * Math.sqrt(p.count / max)).toFixed(1));
      c.setAttribute("class", "cluster " + (p.verdict || "unjudged"));
      c.setAttribute("data-count", p.count);
      const t = document.createElementNS(NS, "title");
      t.textContent = `${p.count} incident(s): ${p.violation} violation, ${p.excluded_party} excluded party, ${p.undetermined} undetermined, ${p.not_covered} not covered, ${p.unjudged} not judged`;
      c.appendChild(t);
      c.addEventListener("click", () => {
        if (p.incident) location.href = "/incidents/" + encodeURIComponent(p.incident);
        else { const [lon, lat] = f.geometry.coordinates; zoomAt(lon, lat, 0.4); }
      });
      gDots.appendChild(c);
      if (p.count > 1) { const n = document.createElementNS(NS, "text"); n.setAttribute("x", x); n.setAttribute("y", y + 3); n.setAttribute("class", "count"); n.textContent = p.count; gDots.appendChild(n); }
    }
    const st = document.getElementById("mapstatus");
    if (st) st.textContent = `${fc.features.length} clusters of ${total} incidents (cells ${fc.cell_degrees.toFixed(3)}°)`;
    svg.setAttribute("data-ready", "1");
  }
  function redraw() { drawBase(); drawDots(); }
  function zoomAt(lon, lat, f) {
    const w = (view.e - view.w) * f, h = (view.n - view.s) * f;
    if (w < 0.02 || w > 40) return;
    view = { w: lon - w / 2, e: lon + w / 2, s: lat - h / 2, n: lat + h / 2 }; redraw();
  }
  function pan(fx, fy) { const dx = (view.e - view.w) * fx, dy = (view.n - view.s) * fy; view = { w: view.w + dx, e: view.e + dx, s: view.s + dy, n: view.n + dy }; redraw(); }
  function toLonLat(ev) {
    const b = svg.getBoundingClientRect(); const s = Math.min(b.width / W, b.height / H);
    const ox = (b.width - W * s) / 2, oy = (b.height - H * s) / 2;
    const x = (ev.clientX - b.left - ox) / s, y = (ev.clientY - b.top - oy) / s;
    return [view.w + (x / W) * (view.e - view.w), view.n - (y / H) * (view.n - view.s)];
  }
  svg.addEventListener("wheel", (ev) => { ev.preventDefault(); const [lon, lat] = toLonLat(ev); zoomAt(lon, lat, ev.deltaY < 0 ? 0.7 : 1 / 0.7); }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => { if (ev.target.tagName === "circle") return; drag = { x: ev.clientX, y: ev.clientY, v: { ...view } }; svg.setPointerCapture(ev.pointerId); });
  svg.addEventListener("pointermove", (ev) => {
    if (!drag) return; const b = svg.getBoundingClientRect(); const s = Math.min(b.width / W, b.height / H);
    const dx = ((ev.clientX - drag.x) / s / W) * (drag.v.e - drag.v.w), dy = ((ev.clientY - drag.y) / s / H) * (drag.v.n - drag.v.s);
    view = { w: drag.v.w - dx, e: drag.v.e - dx, s: drag.v.s + dy, n: drag.v.n + dy }; drawBase();
  });
  svg.addEventListener("pointerup", () => { if (drag) { drag = null; drawDots(); } });
  svg.addEventListener("keydown", (ev) => {
    const c = [(view.w + view.e) / 2, (view.s + view.n) / 2];
    const a = { "+": () => zoomAt(c[0], c[1], 0.7), "=": () => zoomAt(c[0], c[1], 0.7), "-": () => zoomAt(c[0], c[1], 1 / 0.7),
      ArrowLeft: () => pan(-0.15, 0), ArrowRight: () => pan(0.15, 0), ArrowUp: () => pan(0, 0.15), ArrowDown: () => pan(0, -0.15) }[ev.key];
    if (a) { ev.preventDefault(); a(); }
  });
  Promise.all([fetch("/assets/adm1.geojson").then((r) => r.json()), fetch("/assets/adm2.geojson").then((r) => r.json())])
    .then(([a, b]) => { adm1 = a; adm2 = b; redraw(); }).catch(() => drawDots());
})();
