// 质检评分: the automatic QA score of every closed chat an agent handled. QA and team leads see everyone's
// (an agent their own) with the period's mean and each check's pass rate drawn as SVG; one score shows
// each check's points and reason beside the transcript, and QA adjusts it with a note. The rules tab
// shows the version in force and its history; admins publish a new version there.
import { api } from "./api.js";
import { $, h, fill, showError, dateTime, labels } from "./dom.js";
import { staffSession } from "./staff-login.js";
import { bubble } from "./chat-client.js";
import { periodPicker, rangeText } from "./period.js";
import { agentFilter } from "./agent-filter.js";
import { svg } from "./svg.js";

const outcomeBadge = {
  passed: ["ok", "达标"], failed: ["bad", "未达标"], not_applicable: ["", "不适用"],
};
let who = null;
// The checks' names, as the server calls them; everything that shows a check waits for them.
let checkLabel = {};
let labelsLoad = null;
function labelsReady() {
  labelsLoad ??= api("GET", "/api/v1/qa/rules")
    .then((rules) => { checkLabel = Object.fromEntries(rules.checks.map((c) => [c.check, c.label])); })
    .catch(() => { labelsLoad = null; });
  return labelsLoad;
}
let shown = null;
let listLoad = 0;

staffSession(async (me) => {
  who = me;
  $("#center").hidden = false;
  const everyone = me.permissions.includes("quality.read");
  $("#list-title").textContent = everyone ? "评分列表" : "我的质检评分";
  $("#scope-hint").textContent = everyone
    ? "每个由客服处理并结束的会话自动评分，按会话结束时生效的规则计算。"
    : "您处理过的会话的自动质检评分。对评分有疑问，可联系质检复核。";
  if (everyone) agentFilter($("#f-agent"), loadList);
  $("#f-below").addEventListener("change", loadList);
  for (const tab of $("#views").children) tab.addEventListener("click", () => view(tab.dataset.view));
  const wanted = new URLSearchParams(location.search);
  view(wanted.get("view") === "rules" ? "rules" : "scores");
  if (wanted.get("id")) open(wanted.get("id"));
});

function view(name) {
  for (const tab of $("#views").children) tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  $("#scores-view").hidden = name !== "scores";
  $("#rules-view").hidden = name !== "rules";
  if (name === "rules") loadRules(); else loadList();
}

const picker = periodPicker(() => loadList());
$("#period-picker").replaceWith(...picker.elements);
const range = () => picker.range();

function scoreBadge(value) {
  return h("span", { class: "badge " + (value >= 90 ? "ok" : value >= 80 ? "" : "bad"), "data-score": value }, `${value} 分`);
}

function person(ref) {
  return ref ? `${ref.name}${ref.agentNo ? "（" + ref.agentNo + "）" : ""}` : "—";
}

// The most recent load wins: a filter changed while an earlier list is on its way replaces it.
async function loadList() {
  const mine = ++listLoad;
  const error = $("#list-error");
  showError(error, null);
  const r = range();
  if (!r) { $("#q-range").textContent = "请选择开始和结束日期"; return; }
  const query = new URLSearchParams({ from: r[0].toISOString(), to: r[1].toISOString() });
  if ($("#f-agent").value) query.set("agentId", $("#f-agent").value);
  if ($("#f-below").checked) query.set("below", "80");
  try {
    query.set("limit", "100");
    const listing = await api("GET", "/api/v1/qa/scores?" + query);
    await labelsReady();
    if (mine !== listLoad) return;
    $("#q-range").textContent = "会话结束时间：" + rangeText(r);
    summary(listing.summary);
    const list = $("#scores");
    if (!listing.items.length) {
      fill(list, h("li", { class: "hint", style: "cursor: default" }, $("#f-below").checked ? "该区间没有 80 分以下的会话。" : "该区间没有已评分的会话。"));
      return;
    }
    fill(list, listing.items.map(item));
    if (listing.items.length < listing.summary.count) {
      list.append(h("li", { class: "hint", style: "cursor: default" }, `仅显示最近 ${listing.items.length} 条，共 ${listing.summary.count} 条。`));
    }
  } catch (e) {
    if (mine === listLoad) showError(error, e);
  }
}

function summary(s) {
  const tile = (label, value, note) => h("div", { class: "card kpi", "data-kpi": label },
    h("div", { class: "hint" }, label), h("div", { class: "kpi-value" }, value), h("div", { class: "hint" }, note || "\u00a0"));
  const weakest = s.checks.filter((c) => c.applicable).sort((a, b) => a.passed / a.applicable - b.passed / b.applicable)[0];
  fill($("#kpis"),
    tile("平均分", s.average == null ? "—" : s.average.toFixed(1), "满分 100"),
    tile("已评会话", String(s.count), `质检调整 ${s.adjusted} 个`),
    tile("最需改进", weakest ? weakest.label : "—", weakest ? `达标率 ${pct(weakest.passed / weakest.applicable)}` : ""));
  $("#checks-chart").replaceChildren(s.count ? checksChart(s.checks) : h("p", { class: "hint" }, "该区间没有数据。"));
}

const pct = (x) => (x * 100).toFixed(1) + "%";

// One bar per check: the share passed among the scores where it applied, with how many that was.
// Drawn at the width it is shown at, so its words stay readable on a phone.
function checksChart(checks) {
  const width = Math.max(320, Math.min(900, $("#checks-chart").clientWidth || 640)), left = 100, right = 118, rowHeight = 26;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${checks.length * rowHeight + 4}`, role: "img", "aria-label": "各项达标率", class: "chart" });
  const span = width - left - right;
  checks.forEach((c, i) => {
    const y = i * rowHeight + 4, share = c.applicable ? c.passed / c.applicable : null;
    const w = share == null ? 0 : Math.round(span * share);
    chart.append(
      svg("text", { x: left - 8, y: y + 13, "font-size": 13, "text-anchor": "end", fill: "#1d2733" }, c.label),
      svg("rect", { x: left, y, width: span, height: 16, fill: "#eef1f5" }),
      svg("rect", { x: left, y, width: w, height: 16, fill: share == null ? "none" : share >= 0.9 ? "#1a7f37" : share >= 0.8 ? "#0b63c5" : "#c62828" },
        svg("title", {}, `${c.label}：${c.passed}/${c.applicable}`)),
      svg("text", { x: left + span + 6, y: y + 13, "font-size": 12, fill: "#5d6b7a", "data-check": c.check },
        share == null ? "不适用" : `${pct(share)}（${c.passed}/${c.applicable}）`));
  });
  return chart;
}

function item(s) {
  const failed = s.items.filter((i) => i.outcome === "failed").map((i) => checkLabel[i.check] || i.check);
  return h("li", { "data-id": s.conversationId, "aria-current": String(s.conversationId === shown), onclick: () => open(s.conversationId) },
    h("div", {}, scoreBadge(s.final), s.adjustment ? h("span", { class: "badge", style: "margin-left: 4px" }, "已调整") : null,
      " ", person(s.agent)),
    h("div", { class: "hint" }, `${labels.skill[s.skill] || s.skill} · ${dateTime(s.closedAt)}`),
    failed.length ? h("div", { class: "hint", style: "color: var(--bad)" }, "未达标：" + failed.join("、")) : h("div", { class: "hint" }, "各项均达标"));
}

async function open(id) {
  shown = id;
  for (const li of $("#scores").children) li.setAttribute("aria-current", String(li.dataset.id === id));
  const target = $("#detail");
  try {
    const s = await api("GET", `/api/v1/qa/scores/${encodeURIComponent(id)}`);
    await labelsReady();
    if (shown !== id) return;
    const log = h("section", { class: "card", "aria-label": "对话记录" });
    fill(target, card(s), adjustForm(s), log);
    history.replaceState(null, "", `?id=${encodeURIComponent(id)}`);
    transcript(id, log);
    if (matchMedia("(max-width: 760px)").matches) target.scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (e) {
    fill(target, h("div", { class: "card error" }, e.message));
  }
}

function card(s) {
  const rows = s.items.map((i) => {
    const [tone, text] = outcomeBadge[i.outcome] || ["", i.outcome];
    return h("tr", { "data-check": i.check },
      h("td", { "data-label": "质检项", style: "white-space: nowrap" }, checkLabel[i.check] || i.check),
      h("td", { "data-label": "得分", style: "white-space: nowrap" }, i.outcome === "not_applicable" ? `— / ${i.points}` : `${i.earned} / ${i.points}`),
      h("td", { "data-label": "结果" }, h("span", { class: "badge " + tone }, text)),
      h("td", { "data-label": "原因", class: "note" }, i.reason));
  });
  return h("section", { class: "card", "aria-label": "评分" },
    h("h2", {}, scoreBadge(s.final), " ", person(s.agent)),
    h("dl", { class: "kv" },
      h("dt", {}, "自动评分"), h("dd", {}, `${s.automatic} 分（规则第 ${s.rulesVersion} 版）`),
      s.adjustment ? [
        h("dt", {}, "质检调整"), h("dd", {}, `${s.adjustment.score} 分 · ${person(s.adjustment.by)} · ${dateTime(s.adjustment.at)}`),
        h("dt", {}, "调整原因"), h("dd", { class: "note" }, s.adjustment.note),
      ] : null,
      h("dt", {}, "技能组"), h("dd", {}, labels.skill[s.skill] || s.skill),
      h("dt", {}, "会话结束"), h("dd", {}, dateTime(s.closedAt))),
    h("p", { class: "hint" }, "不适用的项目不计入总分：得分 = 达标项分值之和 ÷ 适用项分值之和 × 100。"),
    h("div", { class: "table-wrap" }, h("table", { class: "cards-on-phone", id: "items" },
      h("thead", {}, h("tr", {}, h("th", {}, "质检项"), h("th", {}, "得分"), h("th", {}, "结果"), h("th", {}, "原因"))),
      h("tbody", {}, rows))));
}

function adjustForm(s) {
  if (!s.canAdjust) return null;
  const error = h("div", { class: "error", role: "alert" });
  const button = h("button", { class: "primary", type: "submit" }, "保存调整");
  const again = h("button", { type: "button" }, "重新评分");
  const element = h("form", { class: "stack leave-form", novalidate: true },
    h("label", {}, "调整后分数", h("input", { type: "number", name: "score", "data-field": "score", min: 0, max: 100, value: s.final, inputmode: "numeric" })),
    h("label", {}, "调整原因", h("textarea", { name: "note", "data-field": "note", maxlength: 500, rows: 2, placeholder: "如：禁用词已被系统拦截，未发给客户" })),
    h("div", { class: "choice-row" }, button, again), error);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(element);
    const note = String(data.get("note") || "");
    showError(error, null, element);
    if (!note.trim()) return showError(error, { message: "请填写调整原因" });
    button.disabled = true;
    try {
      await api("POST", `/api/v1/qa/scores/${encodeURIComponent(s.conversationId)}/adjustment`, { score: Number(data.get("score")), note });
      await Promise.all([open(s.conversationId), loadList()]);
    } catch (e) {
      showError(error, e, element);
      button.disabled = false;
    }
  });
  // Scored again from what is stored now (a ticket opened since, say), by the rules of its close.
  again.addEventListener("click", async () => {
    again.disabled = true;
    try {
      await api("POST", `/api/v1/qa/scores/${encodeURIComponent(s.conversationId)}/rescore`);
      await Promise.all([open(s.conversationId), loadList()]);
    } catch (e) {
      showError(error, e);
      again.disabled = false;
    }
  });
  return h("section", { class: "card", "aria-label": "质检调整" }, h("h2", {}, "质检调整"), element);
}

// The transcript from its own endpoint, masked and audited as everywhere else.
async function transcript(id, log) {
  fill(log, h("h2", {}, "对话记录"), h("p", { class: "hint" }, "正在读取…"));
  try {
    const t = await api("GET", `/api/v1/transcripts/${encodeURIComponent(id)}`);
    fill(log, h("h2", {}, "对话记录 ", h("a", { class: "hint", href: `/api/v1/transcripts/${encodeURIComponent(id)}?format=text`, target: "_blank" }, "纯文本")),
      h("div", { class: "chat-log", style: "max-height: 420px" }, t.messages.map((m) => bubble(h, m, { mine: m.sender === "agent" }))));
  } catch (e) {
    fill(log, h("h2", {}, "对话记录"), h("p", { class: "error" }, e.message));
  }
}

// MARK: Rules

async function loadRules() {
  const target = $("#rules-view");
  try {
    const rules = await api("GET", "/api/v1/qa/rules");
    await labelsReady();
    const [current, ...older] = rules.versions;
    fill(target, rulesCard(current, "现行规则"), rules.canPublish ? publishForm(current) : null,
      older.length ? h("section", { class: "card", "aria-label": "历史版本" }, h("h2", {}, "历史版本"),
        h("ul", { class: "list" }, older.map((v) => h("li", { style: "cursor: default" },
          h("div", {}, `第 ${v.version} 版 · `, v.by ? `${dateTime(v.createdAt)} 起 · ${person(v.by)}` : "初始版本"),
          h("div", { class: "hint" }, v.note + "；" + v.items.map((i) => `${checkLabel[i.check]} ${i.points}`).join("、"))))))
        : null);
  } catch (e) {
    fill(target, h("div", { class: "card error" }, e.message));
  }
}

function rulesCard(v, title) {
  return h("section", { class: "card", "aria-label": title },
    h("h2", {}, `${title}（第 ${v.version} 版）`),
    h("p", { class: "hint" }, `${v.by ? dateTime(v.createdAt) + " 起生效 · " + person(v.by) : "初始版本，自启用起生效"} · ${v.note}`),
    h("div", { class: "table-wrap" }, h("table", { class: "cards-on-phone", id: "rules-items" },
      h("thead", {}, h("tr", {}, h("th", { style: "white-space: nowrap" }, "质检项"), h("th", { style: "white-space: nowrap" }, "分值"), h("th", {}, "标准"))),
      h("tbody", {}, v.items.map((i) => h("tr", { "data-check": i.check },
        h("td", { "data-label": "质检项", style: "white-space: nowrap" }, checkLabel[i.check] || i.check),
        h("td", { "data-label": "分值", style: "white-space: nowrap" }, i.points ? String(i.points) : "不计分"),
        h("td", { "data-label": "标准", class: "note" }, standard(i.check, v))))))));
}

function standard(check, v) {
  switch (check) {
    case "greeting": return `含工号，及“${v.greetingWords.join("”“")}”之一（系统代发的接入问候计入）`;
    case "closing": return `客服结束会话时使用“${v.closingPhrases.join("”“")}”之一（客户先离开不适用）`;
    case "no_forbidden_word": return "未尝试发送禁用词（被拦截的也计入）";
    case "first_response": return `接入后 ${v.firstResponseSeconds} 秒内首次回复`;
    case "no_silence": return `客户等待回复不超过 ${v.silenceSeconds} 秒`;
    case "soothing": return `客户情绪激动时使用“${v.soothingPhrases.join("”“")}”之一（客户平静时不适用）`;
    case "solution": return "发送知识库答案、为客户办理业务或开立工单";
    default: return "";
  }
}

// A new version, starting from the one in force; the server checks it (points add up to 100).
function publishForm(current) {
  const error = h("div", { class: "error", role: "alert" });
  const total = h("span", { class: "hint" });
  const points = current.items.map((i) => h("label", {}, checkLabel[i.check] || i.check,
    h("input", { type: "number", min: 0, max: 100, name: "points", "data-check": i.check, value: i.points, inputmode: "numeric" })));
  const phrases = (name, label, list) => h("label", {}, label + "（每行一条）",
    h("textarea", { name, "data-field": name, rows: 3 }, list.join("\n")));
  const element = h("form", { class: "stack leave-form", novalidate: true },
    h("div", { class: "filters", style: "flex-wrap: wrap" }, points), total,
    h("div", { class: "filters" },
      h("label", {}, "首次响应（秒）", h("input", { type: "number", name: "firstResponseSeconds", "data-field": "firstResponseSeconds", value: current.firstResponseSeconds, min: 5, max: 600 })),
      h("label", {}, "冷场上限（秒）", h("input", { type: "number", name: "silenceSeconds", "data-field": "silenceSeconds", value: current.silenceSeconds, min: 10, max: 1800 }))),
    phrases("greetingWords", "问候用语", current.greetingWords),
    phrases("closingPhrases", "结束用语", current.closingPhrases),
    phrases("soothingPhrases", "安抚用语", current.soothingPhrases),
    h("label", {}, "修改说明", h("input", { name: "note", "data-field": "note", maxlength: 200, placeholder: "如：首次响应标准收紧到 20 秒" })),
    h("button", { class: "primary", type: "submit" }, "发布新版本"), error);
  const sum = () => {
    const n = points.reduce((acc, label) => acc + Number(label.querySelector("input").value || 0), 0);
    total.textContent = `合计 ${n} 分` + (n === 100 ? "" : "（须为 100）");
    total.style.color = n === 100 ? "" : "var(--bad)";
  };
  element.addEventListener("input", sum);
  sum();
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(element);
    const lines = (name) => String(data.get(name) || "").split("\n").map((x) => x.trim()).filter(Boolean);
    showError(error, null, element);
    try {
      await api("POST", "/api/v1/qa/rules", {
        items: points.map((label) => { const input = label.querySelector("input"); return { check: input.dataset.check, points: Number(input.value || 0) }; }),
        firstResponseSeconds: Number(data.get("firstResponseSeconds")), silenceSeconds: Number(data.get("silenceSeconds")),
        greetingWords: lines("greetingWords"), closingPhrases: lines("closingPhrases"), soothingPhrases: lines("soothingPhrases"),
        note: String(data.get("note") || ""),
      });
      await loadRules();
    } catch (e) {
      showError(error, e, element);
    }
  });
  return h("section", { class: "card", "aria-label": "发布新版本" }, h("h2", {}, "发布新版本"),
    h("p", { class: "hint" }, "新版本自发布起对结束的会话生效；此前结束的会话仍按原版本评分。"), element);
}
