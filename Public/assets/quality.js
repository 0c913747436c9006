// The service-quality report for team leads and QA: the figures against the operator's targets, the
// first-response distribution and a comparison by group, as SVG drawn here, and the rows as a table.
import { api } from "./api.js";
import { $, h, showError } from "./dom.js";
import { staffSession } from "./staff-login.js";
import { DAY, periodPicker, chinaDay, rangeText } from "./period.js";
import { svg } from "./svg.js";

let report = null;

staffSession((who) => {
  if (!who.permissions.includes("quality.read")) {
    $("#report").replaceWith(h("section", { class: "card" }, h("p", {}, "服务质量报表需要质检或班长权限。")));
    return;
  }
  $("#report").hidden = false;
  load();
});

const picker = periodPicker(load);
$("#period-picker").replaceWith(...picker.elements);
$("#q-by").addEventListener("change", load);
const period = () => picker.range();

async function load() {
  const error = $("#q-error");
  showError(error, null);
  const range = period();
  if (!range) { $("#q-range").textContent = "请选择开始和结束日期"; return; }
  const query = new URLSearchParams({ from: range[0].toISOString(), to: range[1].toISOString(), by: $("#q-by").value });
  $("#q-csv").href = "/api/v1/quality/report?" + query + "&format=csv";
  $("#q-csv").setAttribute("download", `服务质量-${chinaDay(range[0])}-${chinaDay(new Date(range[1].getTime() - DAY))}.csv`);
  try {
    report = await api("GET", "/api/v1/quality/report?" + query);
  } catch (e) {
    showError(error, e);
    return;
  }
  $("#q-range").textContent = "统计区间：" + rangeText(range);
  render();
}


export const pct = (x) => (x == null ? "—" : (x * 100).toFixed(1) + "%");
export const secs = (x) => (x == null ? "—" : x < 60 ? x.toFixed(1) + " 秒" : `${Math.floor(x / 60)} 分 ${Math.round(x % 60)} 秒`);
const num = (x) => (x == null ? "—" : x.toFixed(1));

function render() {
  const t = report.total, c = t.chats, s = t.surveys, k = t.tickets, goal = report.targets;
  const tile = (label, value, { target, ok, note, sub } = {}) => h("div", { class: "card kpi" + (ok === undefined ? "" : ok ? " ok" : " bad"), "data-kpi": label },
    h("div", { class: "hint" }, label), h("div", { class: "kpi-value" }, value),
    h("div", { class: "hint" }, target ? `目标 ≥ ${pct(target)}` : note || "\u00a0"),
    sub ? h("div", { class: "hint" }, sub) : null);
  $("#kpis").replaceChildren(
    tile("30秒首响率", pct(c.shareWithin30s), { target: goal.firstResponseWithin30s, ok: c.shareWithin30s == null ? undefined : c.shareWithin30s >= goal.firstResponseWithin30s }),
    tile("满意度 CSAT", pct(s.csat), { target: goal.csat, ok: s.csat == null ? undefined : s.csat >= goal.csat }),
    tile("首次解决率 FCR", pct(s.firstContactResolution), {
      target: goal.firstContactResolution,
      ok: s.firstContactResolution == null ? undefined : s.firstContactResolution >= goal.firstContactResolution,
      sub: `${s.fcrResolved}/${s.fcrContacts} 次服务${s.fcrPending ? `，${s.fcrPending} 次未满7天` : ""}`,
    }),
    tile("差评48小时复盘率", pct(s.reviewedOnTimeShare), {
      target: goal.reviewedWithin48h, ok: s.reviewedOnTimeShare == null ? undefined : s.reviewedOnTimeShare >= goal.reviewedWithin48h,
      sub: `${s.reviewedOnTime}/${s.reviewsDue} 条差评`,
    }),
    tile("NPS", num(s.nps), { note: `${s.npsAnswers} 人回答` }),
    tile("参评率", pct(s.responseRate), { note: `${s.answered}/${s.eligible} 次服务` }),
    tile("平均首次响应", secs(c.averageFirstResponseSeconds), { note: `${c.taken} 个人工会话` }),
    tile("平均排队", secs(c.averageQueueWaitSeconds), { note: `放弃率 ${pct(c.abandonmentRate)}` }),
    tile("平均处理时长", secs(c.averageHandlingSeconds), { note: `${c.resolved} 个已解决` }),
    tile("机器人独立完成", pct(c.containment), { note: `机器人有帮助 ${pct(s.botHelpfulShare)}` }),
    tile("工单 SLA 超时", pct(k.breachRate), { note: k.byPriority.map((p) => `${p.priority.toUpperCase()} ${p.breached}`).join(" · ") }),
    tile("故障48小时解决率", pct(k.faultsWithin48hShare), { note: `${k.faultsWithin48h}/${k.faultsDue} 张故障单` }),
    tile("升级24小时跟进率", pct(k.followUpShare), { note: `${k.escalationsFollowedUp}/${k.escalated} 张升级单` }),
  );
  // Drawn at the card's own width, so text keeps its size on a phone and on a wide screen.
  const width = Math.max(300, Math.min(900, $("#frt-chart").clientWidth || 600));
  $("#frt-chart").replaceChildren(distribution(c, width));
  $("#handover-chart").replaceChildren(handovers(c, width));
  const byName = { agent: "客服", skill: "技能组", intent: "意图", district: "地区", channel: "渠道", day: "日期", hour: "时段" }[report.by] || "分组";
  $("#compare-title").textContent = `按${byName}：30秒首响率与满意度`;
  $("#compare-chart").replaceChildren(report.rows.length ? comparison(report.rows, goal, width) : h("p", { class: "hint" }, "该区间没有数据。"));
  table();
}


const BUCKETS = [["upTo15", "0–15秒", "#1a7f37"], ["upTo30", "15–30秒", "#6cc070"], ["upTo60", "30–60秒", "#f0b429"], ["over60", "60秒以上", "#e07b39"], ["never", "未回复", "#c62828"]];

// One bar of the taken chats, split by how long the first response took.
function distribution(c, width) {
  const total = BUCKETS.reduce((n, [key]) => n + c.firstResponseBuckets[key], 0);
  if (!total) return h("p", { class: "hint" }, "该区间没有人工会话。");
  // The legend takes one line on a wide card, two on a phone.
  const perLine = width < 480 ? 3 : BUCKETS.length;
  const height = 44 + Math.ceil(BUCKETS.length / perLine) * 20;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "首次响应时长分布", class: "chart" });
  let x = 0;
  BUCKETS.forEach(([key, label, color], i) => {
    const n = c.firstResponseBuckets[key];
    const w = (n / total) * width;
    if (n) chart.append(svg("rect", { x, y: 0, width: Math.max(w, 1), height: 28, fill: color }, svg("title", {}, `${label}：${n}`)));
    x += w;
    const lx = (i % perLine) * (width / perLine), ly = 40 + Math.floor(i / perLine) * 20;
    chart.append(svg("rect", { x: lx, y: ly, width: 12, height: 12, fill: color }),
      svg("text", { x: lx + 16, y: ly + 11, "font-size": 13, fill: "#1d2733", "data-bucket": key }, `${label} ${n}`));
  });
  return chart;
}

// Why the bot handed chats to a person: one bar a reason, its count and share of all hand-overs.
function handovers(c, width) {
  const total = c.handovers.reduce((n, r) => n + r.chats, 0);
  if (!total) return h("p", { class: "hint" }, "该区间没有机器人转人工的会话。");
  const left = width < 480 ? 120 : 170, rowHeight = 26;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${c.handovers.length * rowHeight + 4}`, role: "img", "aria-label": "转人工原因", class: "chart" });
  const most = Math.max(...c.handovers.map((r) => r.chats));
  c.handovers.forEach((r, i) => {
    const y = i * rowHeight + 4, w = most ? (r.chats / most) * (width - left - 90) : 0;
    chart.append(svg("text", { x: left - 8, y: y + 13, "font-size": 13, "text-anchor": "end", fill: "#1d2733" }, r.label.replace("客户", "")),
      svg("rect", { x: left, y, width: Math.max(w, r.chats ? 2 : 0), height: 16, fill: "#0b63c5" }, svg("title", {}, `${r.label}：${r.chats}`)),
      svg("text", { x: left + w + 6, y: y + 13, "font-size": 12, fill: "#5d6b7a", "data-reason": r.reason }, `${r.chats}（${pct(r.chats / total)}）`));
  });
  return chart;
}

// Each group's share within 30 s and CSAT as two bars, with the 90% target drawn across.
function comparison(rows, goal, width) {
  const left = width < 480 ? 96 : 130, bar = 10, gap = 10, rowHeight = bar * 2 + gap;
  const height = rows.length * rowHeight + 30;
  const scale = (x) => left + (x || 0) * (width - left - 50);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "分组对比", class: "chart" });
  rows.forEach((r, i) => {
    const y = i * rowHeight + 4;
    const room = width < 480 ? 6 : 9;
    const label = r.label.length > room ? r.label.slice(0, room) + "…" : r.label;
    chart.append(svg("text", { x: left - 8, y: y + bar + 4, "font-size": 13, "text-anchor": "end", fill: "#1d2733" }, label, svg("title", {}, r.label)));
    for (const [k, value, color, name] of [[0, r.chats.shareWithin30s, "#0b63c5", "30秒首响率"], [1, r.surveys.csat, "#1a7f37", "满意度"]]) {
      const top = y + k * bar;
      chart.append(svg("rect", { x: left, y: top, width: Math.max(0, scale(value) - left), height: bar - 1, fill: value == null ? "none" : color },
        svg("title", {}, `${r.label} ${name} ${pct(value)}`)));
      chart.append(svg("text", { x: scale(value) + 4, y: top + bar - 1, "font-size": 11, fill: "#5d6b7a" }, pct(value)));
    }
  });
  const tx = scale(goal.firstResponseWithin30s);
  chart.append(svg("line", { x1: tx, x2: tx, y1: 0, y2: height - 24, stroke: "#c62828", "stroke-dasharray": "4 3" }),
    svg("text", { x: tx, y: height - 8, "font-size": 12, "text-anchor": "middle", fill: "#c62828" }, "目标 90%"),
    svg("rect", { x: 0, y: height - 18, width: 10, height: 10, fill: "#0b63c5" }), svg("text", { x: 14, y: height - 9, "font-size": 12 }, "30秒首响率"),
    svg("rect", { x: 0 + 90, y: height - 18, width: 10, height: 10, fill: "#1a7f37" }), svg("text", { x: 104, y: height - 9, "font-size": 12 }, "满意度"));
  return chart;
}

const COLUMNS = [
  ["分组", (r) => r.label], ["会话", (r) => r.chats.chats], ["人工接入", (r) => r.chats.taken],
  ["30秒首响率", (r) => pct(r.chats.shareWithin30s)], ["平均首响", (r) => secs(r.chats.averageFirstResponseSeconds)],
  ["平均排队", (r) => secs(r.chats.averageQueueWaitSeconds)], ["放弃率", (r) => pct(r.chats.abandonmentRate)],
  ["平均处理", (r) => secs(r.chats.averageHandlingSeconds)], ["已评价/应评价", (r) => `${r.surveys.answered}/${r.surveys.eligible}`],
  ["满意度", (r) => pct(r.surveys.csat)], ["NPS", (r) => num(r.surveys.nps)], ["差评", (r) => r.surveys.negative],
  ["工单", (r) => r.tickets.tickets], ["SLA超时", (r) => r.tickets.breached], ["故障48小时解决率", (r) => pct(r.tickets.faultsWithin48hShare)],
  ["升级24小时跟进率", (r) => pct(r.tickets.followUpShare)],
];

function table() {
  const line = (r, total) => h("tr", { class: total ? "total" : "", "data-key": r.key },
    COLUMNS.map(([name, value]) => h("td", { "data-label": name }, String(value(r)))));
  $("#rows").replaceChildren(
    h("thead", {}, h("tr", {}, COLUMNS.map(([name]) => h("th", {}, name)))),
    h("tbody", {}, report.rows.map((r) => line(r, false)), line(report.total, true)));
}
