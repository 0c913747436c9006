// 差评复盘: the queue of negative ratings for QA and team leads (an agent sees their own), one task with
// the customer's words, the transcript or the ticket's history and the customer's record beside it,
// and the one form the viewer may use now: QA's finding, the agent's appeal, the lead's decision.
import { api } from "./api.js";
import { $, h, fill, showError, dateTime, labels } from "./dom.js";
import { staffSession } from "./staff-login.js";
import { bubble } from "./chat-client.js";
import { historyList, duration } from "./tickets-common.js";
import { render360 } from "./customer360.js";
import { reasons } from "./survey.js";
import { agentFilter } from "./agent-filter.js";

const reasonLabel = Object.fromEntries(reasons);
const statusLabel = { open: "待复盘", concluded: "已复盘", appealed: "申诉中", decided: "已裁定" };
const causes = [
  ["agent", "坐席服务"], ["process", "流程制度"], ["product", "产品资费"], ["network", "网络质量"], ["customer", "客户自身"],
];
const causeLabel = Object.fromEntries(causes);
const tabs = [["open", "待复盘"], ["overdue", "已逾期"], ["concluded", "已复盘"], ["appealed", "申诉中"], ["decided", "已裁定"], ["all", "全部"]];

let who = null;
let tab = "open";
let shown = null;
let listLoad = 0;

staffSession((me) => {
  who = me;
  $("#center").hidden = false;
  const everyone = me.permissions.includes("quality.read");
  $("#list-title").textContent = everyone ? "复盘任务" : "我的差评复盘";
  $("#scope-hint").textContent = everyone
    ? "满意度 1–2 分的评价自动生成复盘任务，须在 48 小时内完成。"
    : "记在您名下的 1–2 分评价。对复盘结论有异议，可在结论记录后 3 天内申诉一次。";
  if (everyone) agentFilter($("#f-agent"), loadList, $("#agent-filter"));
  const wanted = new URLSearchParams(location.search);
  if (tabs.some(([key]) => key === wanted.get("tab"))) tab = wanted.get("tab");
  loadList();
  if (wanted.get("id")) open(wanted.get("id"));
});

function drawTabs(counts) {
  fill($("#tabs"), tabs.map(([key, text]) => {
    const n = key === "all" ? null : counts[key];
    return h("button", {
      role: "tab", "aria-selected": String(key === tab), "data-tab": key,
      onclick: () => { tab = key; history.replaceState(null, "", "?tab=" + key); loadList(); },
    }, text, n ? h("span", { class: key === "overdue" ? "unread" : "badge", style: "margin-left: 4px" }, n) : null);
  }));
}

// The most recent load wins: a tab clicked while an earlier list is on its way replaces it.
async function loadList() {
  const mine = ++listLoad;
  const error = $("#list-error");
  showError(error, null);
  try {
    const agent = $("#f-agent").value;
    const queue = await api("GET", "/api/v1/reviews?tab=" + tab + (agent ? "&agentId=" + encodeURIComponent(agent) : ""));
    if (mine !== listLoad) return;
    drawTabs(queue.counts);
    const list = $("#reviews");
    if (!queue.items.length) {
      fill(list, h("li", { class: "hint", style: "cursor: default" }, tab === "overdue" ? "没有逾期的任务。" : "这里暂时没有任务。"));
      return;
    }
    fill(list, queue.items.map(item));
  } catch (e) {
    if (mine === listLoad) showError(error, e);
  }
}

function score(r) {
  return h("span", { class: "badge bad" }, `${r.csat} 分`);
}

// How long is left, or how far past the deadline; only open tasks have a clock.
function deadline(r) {
  if (r.status !== "open") return r.late ? h("span", { class: "badge warn" }, "超时完成") : null;
  const left = new Date(r.dueAt).getTime() - Date.now();
  return left < 0
    ? h("span", { class: "badge bad" }, "已逾期 " + duration(-left))
    : h("span", { class: "badge" + (left < 6 * 3600000 ? " warn" : "") }, "剩余 " + duration(left));
}

function item(r) {
  return h("li", { "data-id": r.id, "aria-current": String(r.id === shown), onclick: () => open(r.id) },
    h("div", {}, score(r), " ", r.reason ? reasonLabel[r.reason] || r.reason : "", " ",
      h("span", { class: "badge" }, statusLabel[r.status]), " ", deadline(r)),
    h("div", { class: "hint" },
      `${r.contactKind === "chat" ? "在线咨询" : "工单"} · ${labels.skill[r.skill] || r.skill}`,
      r.agent ? ` · ${r.agent.name}${r.agent.agentNo ? "（" + r.agent.agentNo + "）" : ""}` : "",
      ` · ${dateTime(r.openedAt)}`),
    r.comment ? h("div", { class: "note", style: "font-size: 13px" }, "“" + r.comment + "”") : null);
}

async function open(id) {
  shown = id;
  for (const li of $("#reviews").children) li.setAttribute("aria-current", String(li.dataset.id === id));
  const target = $("#detail");
  try {
    const r = await api("GET", `/api/v1/reviews/${encodeURIComponent(id)}`);
    if (shown !== id) return;
    // Read in the order QA works: the rating, the conversation, then the form, with the record below.
    const log = h("section", { class: "card", "aria-label": r.contactKind === "chat" ? "对话记录" : "工单记录" });
    const record = h("div", {});
    fill(target, ...summary(r), log, actions(r), record);
    history.replaceState(null, "", `?tab=${tab}&id=${encodeURIComponent(id)}`);
    attach(r, log, record);
    if (matchMedia("(max-width: 760px)").matches) target.scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (e) {
    fill(target, h("div", { class: "card error" }, e.message));
  }
}

function person(ref) {
  return ref ? `${ref.name}${ref.agentNo ? "（" + ref.agentNo + "）" : ""}` : "—";
}

function summary(r) {
  const steps = [
    ["客户评价", `${dateTime(r.openedAt)} · ${r.csat} 分${r.reason ? " · " + (reasonLabel[r.reason] || r.reason) : ""}`],
    ["复盘期限", dateTime(r.dueAt) + (r.overdue ? "（已逾期）" : "")],
  ];
  const rating = h("section", { class: "card", "aria-label": "评价" },
    h("h2", {}, score(r), " ", r.contactKind === "chat" ? "在线咨询" : "工单", " ",
      h("span", { class: "badge" }, statusLabel[r.status]), " ", deadline(r)),
    h("dl", { class: "kv" },
      h("dt", {}, "服务客服"), h("dd", {}, person(r.agent)),
      h("dt", {}, "技能组"), h("dd", {}, labels.skill[r.skill] || r.skill),
      steps.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
      h("dt", {}, "客户留言"), h("dd", { class: "note" }, r.comment || "（未填写）")));
  const trail = [];
  if (r.finding) {
    trail.push(h("section", { class: "card", "aria-label": "复盘结论" },
      h("h2", {}, "复盘结论"),
      h("dl", { class: "kv" },
        h("dt", {}, "原因归属"), h("dd", {}, causeLabel[r.finding.cause] || r.finding.cause),
        h("dt", {}, "处理措施"), h("dd", { class: "note" }, r.finding.action),
        h("dt", {}, "客户回访"), h("dd", {}, r.finding.calledBack ? "已回访" : "未回访"),
        h("dt", {}, "质检"), h("dd", {}, `${person(r.finding.by)} · ${dateTime(r.finding.at)}`),
        r.status === "concluded" && r.appealUntil ? [h("dt", {}, "申诉期限"), h("dd", {}, dateTime(r.appealUntil))] : null)));
  }
  if (r.appeal || r.decision) {
    trail.push(h("section", { class: "card", "aria-label": "申诉与裁定" },
      h("h2", {}, "申诉与裁定"),
      h("dl", { class: "kv" },
        r.appeal ? [h("dt", {}, "申诉理由"), h("dd", { class: "note" }, r.appeal.text), h("dt", {}, "申诉时间"), h("dd", {}, dateTime(r.appeal.at))] : null,
        r.decision ? [
          h("dt", {}, "裁定"), h("dd", {}, h("span", { class: "badge " + (r.decision.upheld ? "" : "ok") }, r.decision.upheld ? "维持原结论" : "撤销原结论")),
          h("dt", {}, "说明"), h("dd", { class: "note" }, r.decision.note),
          h("dt", {}, "班长"), h("dd", {}, `${person(r.decision.by)} · ${dateTime(r.decision.at)}`),
        ] : h("dd", { class: "hint", style: "grid-column: 1 / -1" }, "等待班长裁定"))));
  }
  return [rating, ...trail];
}

// The form the viewer may use now, as the server says (`allowed`); none when there is nothing to do.
function actions(r) {
  if (r.allowed.includes("conclude")) {
    return form(r, "finding", "记录复盘结论", [
      h("label", {}, "原因归属", h("select", { name: "cause", "data-field": "cause" }, causes.map(([v, t]) => h("option", { value: v }, t)))),
      h("label", {}, "处理措施", h("textarea", { name: "action", "data-field": "action", maxlength: 500, rows: 3, placeholder: "如：已对客服进行话术辅导；已转网络部处理" })),
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "calledBack" }), " 已回访客户"),
    ], (data) => ({ cause: data.get("cause"), action: data.get("action"), calledBack: data.get("calledBack") === "on" }), "提交结论");
  }
  if (r.allowed.includes("appeal")) {
    return form(r, "appeal", "申诉", [
      h("p", { class: "hint", style: "margin: 0" }, `每条结论只能申诉一次，截止 ${dateTime(r.appealUntil)}。`),
      h("label", {}, "申诉理由", h("textarea", { name: "text", "data-field": "text", maxlength: 500, rows: 3 })),
    ], (data) => ({ text: data.get("text") }), "提交申诉");
  }
  if (r.allowed.includes("decide")) {
    return form(r, "decision", "裁定申诉", [
      h("div", { class: "choice-row", role: "radiogroup", "aria-label": "裁定" },
        h("label", { class: "check" }, h("input", { type: "radio", name: "upheld", value: "true", checked: true }), " 维持原结论"),
        h("label", { class: "check" }, h("input", { type: "radio", name: "upheld", value: "false" }), " 撤销原结论")),
      h("label", {}, "裁定说明", h("textarea", { name: "note", "data-field": "note", maxlength: 500, rows: 3 })),
    ], (data) => ({ upheld: data.get("upheld") === "true", note: data.get("note") }), "提交裁定");
  }
  return null;
}

function form(r, path, title, fields, body, submitText) {
  const error = h("div", { class: "error", role: "alert" });
  const button = h("button", { class: "primary", type: "submit" }, submitText);
  const element = h("form", { class: "stack leave-form", novalidate: true }, fields, button, error);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const payload = body(new FormData(element));
    const text = payload.action ?? payload.text ?? payload.note;
    showError(error, null, element);
    if (!text || !text.trim()) return showError(error, { message: "请填写内容" });
    button.disabled = true;
    try {
      await api("POST", `/api/v1/reviews/${encodeURIComponent(r.id)}/${path}`, payload);
      await Promise.all([open(r.id), loadList()]);
    } catch (e) {
      showError(error, e, element);
      button.disabled = false;
    }
  });
  return h("section", { class: "card", "aria-label": title }, h("h2", {}, title), element);
}

// The transcript (or the ticket's history) and the customer's record, each from its own endpoint, so
// each is masked and audited as it is everywhere else; one that cannot be read says so and the rest shows.
async function attach(r, log, record) {
  fill(record, h("div", { class: "card hint" }, "正在读取客户资料…"));
  fill(log, h("h2", {}, r.contactKind === "chat" ? "对话记录" : "工单记录"), h("p", { class: "hint" }, "正在读取…"));
  try {
    if (r.contactKind === "chat") {
      const t = await api("GET", `/api/v1/transcripts/${encodeURIComponent(r.contactId)}`);
      fill(log, h("h2", {}, "对话记录 ", h("a", { class: "hint", href: `/api/v1/transcripts/${encodeURIComponent(r.contactId)}?format=text`, target: "_blank" }, "纯文本")),
        h("div", { class: "chat-log", style: "max-height: 420px" }, t.messages.map((m) => bubble(h, m, { mine: m.sender === "agent" }))));
    } else {
      const t = await api("GET", `/api/v1/tickets/${encodeURIComponent(r.contactId)}`);
      fill(log, h("h2", {}, "工单记录 ", h("a", { class: "hint", href: `/tickets/?id=${encodeURIComponent(r.contactId)}` }, t.ticket.number)),
        h("p", {}, t.ticket.title), historyList(t.events));
    }
  } catch (e) {
    fill(log, h("h2", {}, r.contactKind === "chat" ? "对话记录" : "工单记录"), h("p", { class: "error" }, e.message));
  }
  if (!r.customerId) { fill(record, h("div", { class: "card hint" }, "访客会话，没有客户资料。")); return; }
  try {
    const view = await api("GET", `/api/v1/customers/${encodeURIComponent(r.customerId)}/360`);
    fill(record, render360(view, { staff: true }));
  } catch (e) {
    fill(record, h("div", { class: "card error" }, "客户资料：" + e.message));
  }
}
