// 热点话题 (数据反馈) for team leads, QA and the product teams: the words customers use most, and those
// rising fastest against the days just before, in chats and tickets, by intent, district and source;
// a word opens its split and a few masked samples that link to their chat or ticket. CSV for export.
import { api } from "./api.js";
import { $, h, fill, showError, dateTime } from "./dom.js";
import { staffSession } from "./staff-login.js";
import { periodPicker, chinaDay, DAY } from "./period.js";
import { svg } from "./svg.js";

let report = null;
let shownKeyword = null;
let loads = 0;

staffSession((who) => {
  if (!who.permissions.includes("quality.read")) {
    $("#report").replaceWith(h("section", { class: "card" }, h("p", {}, "热点话题需要质检或班长权限。")));
    return;
  }
  $("#report").hidden = false;
  load();
});

const picker = periodPicker(() => load());
$("#period-picker").replaceWith(...picker.elements);
for (const id of ["f-source", "f-intent", "f-district"]) $("#" + id).addEventListener("change", load);

function query() {
  const range = picker.range();
  if (!range) return null;
  // Whole China days: the picker's [from, to) as the first and the last day.
  const q = new URLSearchParams({ from: chinaDay(range[0]), to: chinaDay(new Date(range[1].getTime() - DAY)) });
  for (const [id, key] of [["f-source", "source"], ["f-intent", "intent"], ["f-district", "district"]]) {
    if ($("#" + id).value) q.set(key, $("#" + id).value);
  }
  return q;
}

async function load() {
  const mine = ++loads;
  const error = $("#t-error");
  showError(error, null);
  const q = query();
  if (!q) { $("#t-range").textContent = "请选择开始和结束日期"; return; }
  $("#t-csv").href = "/api/v1/quality/hot-topics?" + q + "&format=csv";
  $("#t-csv").setAttribute("download", `热点话题-${q.get("from")}-${q.get("to")}.csv`);
  try {
    const r = await api("GET", "/api/v1/quality/hot-topics?" + q);
    if (mine !== loads) return;
    report = r;
  } catch (e) {
    if (mine === loads) showError(error, e);
    return;
  }
  $("#t-range").textContent = `${report.from} 至 ${report.to}，对比 ${report.previousFrom} 至 ${report.previousTo}（北京时间）`
    + (report.indexedUntil ? `；统计到 ${dateTime(report.indexedUntil)} 的消息` : "");
  $("#rising-rule").textContent = "比上期多 5 次以上、且为上期 1.5 倍以上的词，新出现的词按次数计。";
  offerFilters();
  frequent();
  rising();
  const again = shownKeyword && [...report.frequent, ...report.rising].find((t) => t.keyword === shownKeyword);
  if (again) open(again); else fill($("#topic"));
}

// The intents and districts the words came from are what there is to filter by.
function offerFilters() {
  for (const [id, key] of [["f-intent", "intents"], ["f-district", "districts"]]) {
    const select = $("#" + id);
    const known = new Set([...select.options].map((o) => o.value));
    for (const t of [...report.frequent, ...report.rising]) {
      for (const share of t[key]) {
        const value = share.value === "" ? "none" : share.value;
        if (known.has(value)) continue;
        known.add(value);
        select.append(h("option", { value }, share.label));
      }
    }
  }
}

const change = (t) => (t.ratio == null ? "新出现" : t.ratio === 1 ? "持平" : (t.ratio > 1 ? "↑" : "↓") + Math.abs(Math.round((t.ratio - 1) * 100)) + "%");

// One bar per word: this period's mentions, with the previous period's as a tick on it.
function frequent() {
  const target = $("#frequent");
  if (!report.frequent.length) { fill(target, h("p", { class: "hint" }, "该区间没有可统计的话题。")); return; }
  const width = Math.max(320, Math.min(720, target.clientWidth || 560)), left = 84, right = 96, rowHeight = 26;
  const most = Math.max(...report.frequent.map((t) => Math.max(t.count, t.previous)));
  const span = width - left - right;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${report.frequent.length * rowHeight + 22}`, role: "img", "aria-label": "高频话题", class: "chart" });
  report.frequent.forEach((t, i) => {
    const y = i * rowHeight + 4, w = Math.max(2, Math.round((span * t.count) / most)), px = left + Math.round((span * t.previous) / most);
    const row = svg("g", { "data-keyword": t.keyword, style: "cursor: pointer", tabindex: 0, role: "button", "aria-label": `${t.keyword} ${t.count} 次` },
      svg("text", { x: left - 8, y: y + 13, "font-size": 13, "text-anchor": "end", fill: "#1d2733" }, t.keyword),
      svg("rect", { x: left, y, width: w, height: 16, fill: "#0b63c5" }, svg("title", {}, `${t.keyword}：本期 ${t.count}，上期 ${t.previous}`)),
      t.previous ? svg("line", { x1: px, x2: px, y1: y - 2, y2: y + 18, stroke: "#f0b429", "stroke-width": 3 }) : "",
      svg("text", { x: Math.max(left + w, px) + 6, y: y + 13, "font-size": 12, fill: "#5d6b7a" }, `${t.count}（${change(t)}）`));
    row.addEventListener("click", () => open(t));
    row.addEventListener("keydown", (e) => { if (e.key === "Enter") open(t); });
    chart.append(row);
  });
  const ly = report.frequent.length * rowHeight + 14;
  chart.append(svg("rect", { x: left, y: ly - 9, width: 10, height: 10, fill: "#0b63c5" }), svg("text", { x: left + 14, y: ly, "font-size": 12 }, "本期"),
    svg("rect", { x: left + 56, y: ly - 9, width: 3, height: 10, fill: "#f0b429" }), svg("text", { x: left + 64, y: ly, "font-size": 12 }, "上期"));
  fill(target, chart);
}

function rising() {
  const list = $("#rising");
  if (!report.rising.length) { fill(list, h("li", { class: "hint", style: "cursor: default" }, "与上期相比，没有明显上升的话题。")); return; }
  fill(list, report.rising.map((t) => h("li", { "data-keyword": t.keyword, onclick: () => open(t) },
    h("div", {}, h("strong", {}, t.keyword), " ", h("span", { class: "badge bad" }, change(t))),
    h("div", { class: "hint" }, `本期 ${t.count} 次，上期 ${t.previous} 次 · ${t.intents.map((i) => i.label).join("、")}`))));
}

function open(t) {
  shownKeyword = t.keyword;
  const share = (items) => h("ul", { class: "plain" }, items.map((s) => h("li", {}, `${s.label}：${s.count} 次`)));
  const link = (s) => s.source === "chat"
    ? h("a", { href: `/api/v1/transcripts/${encodeURIComponent(s.contactId)}?format=text`, target: "_blank" }, "查看对话")
    : h("a", { href: `/tickets/?id=${encodeURIComponent(s.contactId)}` }, "查看工单");
  fill($("#topic"), h("section", { class: "card", "aria-label": "话题详情" },
    h("h2", {}, `“${t.keyword}”`, " ", h("span", { class: "badge" }, change(t))),
    h("p", {}, `本期 ${t.count} 次，上期 ${t.previous} 次。`),
    h("div", { class: "split" },
      h("div", {}, h("h3", {}, "主要意图"), share(t.intents)),
      h("div", {}, h("h3", {}, "主要地区"), share(t.districts))),
    h("h3", {}, "示例（已脱敏）"),
    t.samples.length
      ? h("ul", { class: "list samples" }, t.samples.map((s) => h("li", { style: "cursor: default" },
        h("div", { class: "note" }, "“" + s.text + "”"),
        h("div", { class: "hint" }, `${s.source === "chat" ? "在线咨询" : "工单"} · ${dateTime(s.at)} · `, link(s)))))
      : h("p", { class: "hint" }, "没有示例。")));
  for (const li of $("#rising").children) li.setAttribute("aria-current", String(li.dataset.keyword === t.keyword));
  if (matchMedia("(max-width: 760px)").matches) $("#topic").scrollIntoView({ behavior: "smooth", block: "start" });
}
