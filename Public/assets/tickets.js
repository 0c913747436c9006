import { api } from "./api.js";
import { $, h, dateTime, labels, showError } from "./dom.js";
import { staffSession } from "./staff-login.js";
import { ticketLabels, sla, slaBadge, priorityBadge, statusBadge, historyList, ticketTemplates } from "./tickets-common.js";

let me = null;
let staff = {};             // id -> display name, for the history
let shown = null;           // ticket id in the detail pane
let tickets = [];
// From the fault library: the tickets linked to one outage.
const outageFilter = new URLSearchParams(location.search).get("outage");
if (outageFilter) document.addEventListener("DOMContentLoaded", () => { $("#f-status").value = ""; });

staffSession(async (who) => {
  me = who;
  $("#center").hidden = false;
  staff[who.id] = who.displayName;
  if (me.permissions.includes("staff.read")) {
    const users = await api("GET", "/api/v1/admin/users").catch(() => []);
    for (const u of users) staff[u.id] = `${u.displayName}（${u.agentNo}）`;
  }
  const wanted = new URLSearchParams(location.search).get("id");
  await Promise.all([loadList(), loadAlerts()]);
  if (wanted) open(wanted);
  setInterval(refreshCountdowns, 30000);
  setInterval(() => { loadList(); loadAlerts(); }, 60000);
});

for (const id of ["f-status", "f-priority", "f-group", "f-type", "f-mine", "f-breached"]) $("#" + id).addEventListener("change", loadList);
$("#f-search").addEventListener("submit", (e) => { e.preventDefault(); loadList(); });
$("#f-q").addEventListener("search", loadList);

// Each list load's number: a search typed while an earlier load is still on its way (Enter fires both
// `search` and `submit`, the minute's refresh runs on its own) must not be overwritten by that load.
let listRequest = 0;

async function loadList() {
  const mine = ++listRequest;
  const params = new URLSearchParams();
  const pick = (id, key) => { if ($("#" + id).value) params.set(key, $("#" + id).value); };
  // A number asked for is found whatever its state: the search ignores the status filter.
  const q = $("#f-q").value.trim();
  if (q) params.set("q", q); else pick("f-status", "status");
  $("#f-status").disabled = Boolean(q);
  $("#f-status").title = q ? "按工单号或手机号搜索时包含所有状态" : ""; pick("f-priority", "priority"); pick("f-group", "group"); pick("f-type", "type");
  if ($("#f-mine").checked) params.set("assignee", "me");
  if ($("#f-breached").checked) params.set("breached", "true");
  if (outageFilter) params.set("outageId", outageFilter);
  showError($("#list-error"), null);
  try {
    const found = await api("GET", "/api/v1/tickets?" + params);
    if (mine !== listRequest) return;
    tickets = found;
    $("#count").textContent = q ? `“${q}” 共 ${tickets.length} 张` : `共 ${tickets.length} 张`;
    $("#tickets").replaceChildren(...(tickets.length ? tickets.map(item)
      : [h("li", { class: "hint" }, q ? "没有找到该工单号或手机号的工单" : "没有符合条件的工单")]));
  } catch (e) {
    if (mine === listRequest) showError($("#list-error"), e);
  }
}

function item(t) {
  return h("li", { class: "ticket-item", tabindex: "0", "data-id": t.id, "aria-current": String(t.id === shown), onclick: () => open(t.id),
    onkeydown: (e) => { if (e.key === "Enter") open(t.id); } },
    h("div", { class: "top" }, priorityBadge(t.priority), h("span", { class: "title" }, t.title), statusBadge(t.status)),
    h("div", { class: "top hint" }, `${t.number} · ${ticketLabels.type[t.type]} · ${labels.skill[t.group] || t.group} · ${t.district}`,
      t.escalated ? h("span", { class: "badge bad" }, "已升级") : null, t.outageId ? h("span", { class: "badge bad" }, "区域故障") : null),
    h("div", { class: "sla-slot" }, slaBadge(t)));
}

function refreshCountdowns() {
  for (const li of $("#tickets").children) {
    const t = tickets.find((x) => x.id === li.dataset.id);
    if (t) li.querySelector(".sla-slot").replaceChildren(slaBadge(t));
  }
  if (shown) { const t = tickets.find((x) => x.id === shown); const slot = $("#detail .sla-slot"); if (t && slot) slot.replaceChildren(slaBadge(t)); }
}

const noticeLabel = {
  sla_breach: "超时", sla_warning: "预警", follow_up_due: "跟进", incident: "P0 事件", assigned: "新分派", escalated: "升级",
  review_overdue: "复盘逾期", review_concluded: "复盘结论", review_appealed: "待裁定", review_decided: "申诉裁定",
};

async function loadAlerts() {
  const [outages, notes] = await Promise.all([
    api("GET", "/api/v1/outages?active=true").catch(() => []),
    api("GET", "/api/v1/notifications").catch(() => []),
  ]);
  const unread = notes.filter((n) => !n.read);
  const parts = [];
  if (outages.length) {
    parts.push(h("div", { class: "card warn-box", role: "status" }, h("strong", {}, "正在处理的区域故障"),
      h("ul", {}, outages.map((o) => h("li", {}, `${o.city}${o.district} · ${ticketLabels.service[o.service] || o.service} · ${o.title}`,
        o.eta ? `（预计 ${dateTime(o.eta)} 恢复）` : "（恢复时间待定）", ` · 关联 ${o.ticketCount} 张工单`)))));
  }
  if (unread.length) {
    parts.push(h("div", { class: "card" }, h("div", { class: "row", style: "align-items: center" }, h("h2", { style: "margin: 0" }, `提醒（${unread.length}）`),
      h("button", { onclick: async () => { await api("POST", "/api/v1/notifications/read").catch(() => {}); loadAlerts(); } }, "全部已读")),
      h("ul", { class: "list" }, unread.slice(0, 8).map((n) => h("li", {
        onclick: () => (n.reviewId ? location.assign("/reviews/?tab=all&id=" + encodeURIComponent(n.reviewId)) : n.ticketId && open(n.ticketId)),
      },
        h("span", { class: "badge " + (["sla_breach", "incident", "review_overdue"].includes(n.kind) ? "bad" : "warn") }, noticeLabel[n.kind] || "提醒"),
        " ", n.text, h("span", { class: "hint" }, " · " + dateTime(n.createdAt)))))));
  }
  $("#alerts").replaceChildren(...parts);
}

async function open(id) {
  shown = id;
  for (const li of $("#tickets").children) li.setAttribute("aria-current", String(li.dataset.id === id));
  const target = $("#detail");
  try {
    const [detail, templates] = await Promise.all([api("GET", `/api/v1/tickets/${encodeURIComponent(id)}`), ticketTemplates()]);
    // The customer as staff know them, by (masked) name and number, not by their record's id.
    detail.customer = await api("GET", `/api/v1/customers/${encodeURIComponent(detail.ticket.customerId)}`).catch(() => null);
    const i = tickets.findIndex((t) => t.id === id);
    if (i >= 0) tickets[i] = detail.ticket; else tickets.push(detail.ticket);
    target.replaceChildren(...render(detail, templates.find((t) => t.type === detail.ticket.type)));
    history.replaceState(null, "", "?id=" + encodeURIComponent(id));
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

function render({ ticket: t, events, outage, customer }, template) {
  const known = [...template.requiredFields, ...template.optionalFields].filter((f) => t.fields[f.key]);
  const fieldsList = h("dl", { class: "kv" }, known.flatMap((f) => [h("dt", {}, f.label), h("dd", { class: "note" }, t.fields[f.key])]));
  const head = h("div", { class: "card" },
    h("div", { class: "top" }, priorityBadge(t.priority), h("h2", { style: "margin: 0; flex: 1" }, t.title), statusBadge(t.status)),
    h("p", { class: "hint" }, `${t.number} · ${ticketLabels.type[t.type]} · ${labels.skill[t.group] || t.group}组 · 处理人：${t.assigneeId ? staff[t.assigneeId] || "已分派" : "未分派"}`),
    h("div", { class: "sla-slot" }, slaBadge(t)),
    h("dl", { class: "kv", style: "margin-top: 10px" },
      h("dt", {}, "优先级依据"), h("dd", {}, t.priorityReason + (t.priorityOverridden ? "（人工调整）" : "")),
      h("dt", {}, "响应时限"), h("dd", {}, clockText(t.response)),
      h("dt", {}, "解决时限"), h("dd", {}, clockText(t.resolution)),
      h("dt", {}, "客户"), h("dd", {}, h("a", { href: `/agent/?customer=${encodeURIComponent(t.customerId)}` },
        customer ? `${customer.name} · ${customer.phones[0] || customer.contactPhone}` : "查看客户"), ` · ${t.district}`),
      h("dt", {}, "业务"), h("dd", {}, ticketLabels.service[t.service] || t.service, t.serviceDown ? "（完全中断）" : ""),
      t.deviceId ? [h("dt", {}, "设备"), h("dd", {}, t.deviceId)] : null,
      t.escalated ? [h("dt", {}, "升级跟进"), h("dd", {}, "截至 " + dateTime(t.followUpDueAt))] : null,
      t.keywords.length ? [h("dt", {}, "关键词"), h("dd", {}, t.keywords.join("、"))] : null,
      t.summary ? [h("dt", {}, "会话摘要"), h("dd", {}, t.summary)] : null),
    outage ? h("p", { class: "warn-box" }, `区域故障：${outage.title}`, outage.eta ? `，预计 ${dateTime(outage.eta)} 恢复` : "") : null);
  return [head, h("div", { class: "card" }, h("h2", {}, "工单内容"), fieldsList), actionsCard(t),
    h("div", { class: "card" }, h("h2", {}, "处理记录"), historyList(events, staff))];
}

function clockText(clock) {
  const target = clock.target / 3600;
  const base = `${target >= 1 ? target + " 小时" : clock.target / 60 + " 分钟"}`;
  if (clock.metAt) return `${base} · 已于 ${dateTime(clock.metAt)} 完成`;
  if (clock.pausedSince) return `${base} · 暂停中（${dateTime(clock.pausedSince)} 起等待客户）`;
  return `${base} · 截至 ${dateTime(new Date(sla(clock).due).toISOString())}`;
}

function actionsCard(t) {
  const error = h("div", { class: "error", role: "alert" });
  const can = (p) => me.permissions.includes(p);
  const act = async (body) => {
    showError(error, null);
    try {
      await api("POST", `/api/v1/tickets/${encodeURIComponent(t.id)}/actions`, body);
      await loadList();
      await open(t.id);
    } catch (e) {
      showError(error, e);
    }
  };
  if (!can("ticket.handle")) return h("div", { class: "card hint" }, "你可以查看工单，但没有处理权限。");
  const buttons = [];
  const open_ = t.status !== "resolved" && t.status !== "closed";
  if (open_ && t.assigneeId !== me.id) buttons.push(h("button", { onclick: () => act({ action: "assign" }) }, "我来处理"));
  if (t.status === "assigned") buttons.push(h("button", { class: "primary", onclick: () => act({ action: "start" }) }, "开始处理"));
  if (t.status === "in_progress") buttons.push(h("button", { onclick: () => act({ action: "wait", text: note.value.trim() || undefined }) }, "等待客户"));
  if (t.status === "waiting_customer") buttons.push(h("button", { onclick: () => act({ action: "resume" }) }, "继续处理"));
  if (t.status === "in_progress" || t.status === "waiting_customer") buttons.push(h("button", { class: "primary", onclick: () => act({ action: "resolve", text: note.value.trim() || undefined }) }, "已解决"));
  if (t.status === "resolved") buttons.push(h("button", { onclick: () => act({ action: "close" }) }, "关闭"));
  if (!open_) buttons.push(h("button", { onclick: () => act({ action: "reopen", reason: note.value.trim() }) }, "重新打开"));

  const note = h("textarea", { rows: "2", maxlength: "2000", placeholder: "备注 / 处理说明 / 原因", "aria-label": "备注" });
  const internal = h("input", { type: "checkbox", checked: true });
  const group = h("select", { "aria-label": "转派至" }, h("option", { value: "" }, "转派至…"),
    Object.entries(labels.skill).filter(([k]) => k !== t.group).map(([k, v]) => h("option", { value: k }, v + "组")));
  const priority = h("select", { "aria-label": "调整优先级" }, h("option", { value: "" }, "调整优先级…"),
    ["p0", "p1", "p2", "p3"].filter((p) => p !== t.priority).map((p) => h("option", { value: p }, p.toUpperCase())));
  const extra = [];
  if (open_) {
    extra.push(h("div", { class: "row" }, group, h("button", { onclick: () => group.value && act({ action: "transfer", group: group.value, reason: note.value.trim() }) }, "转派")));
    extra.push(h("div", { class: "row" }, priority, h("button", { onclick: () => priority.value && act({ action: "priority", priority: priority.value, reason: note.value.trim() }) }, "调整")));
    if (!t.escalated) extra.push(h("button", { onclick: () => act({ action: "escalate", reason: note.value.trim() }) }, "升级（24 小时内跟进）"));
    if (can("ticket.assign")) {
      const who = h("select", { "aria-label": "分派给" }, h("option", { value: "" }, "分派给…"),
        Object.entries(staff).filter(([id]) => id !== t.assigneeId).map(([id, name]) => h("option", { value: id }, name)));
      extra.push(h("div", { class: "row" }, who, h("button", { onclick: () => who.value && act({ action: "assign", assigneeId: who.value }) }, "分派")));
    }
  }
  return h("div", { class: "card stack" }, h("h2", {}, "处理"),
    h("div", { class: "actions" }, buttons),
    note,
    h("div", { class: "row", style: "align-items: center" }, h("label", { class: "check" }, internal, " 仅内部可见"),
      h("button", { onclick: () => act({ action: "comment", text: note.value.trim(), internal: internal.checked }) }, "添加备注")),
    ...extra, error);
}
