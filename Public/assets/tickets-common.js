// What the ticket pages share: labels, SLA countdowns, the history list and the create form.
import { api } from "./api.js";
import { h, dateTime, labels, showError } from "./dom.js";

export const ticketLabels = {
  type: { fault: "故障", complaint: "投诉", billing_dispute: "账务争议", business_request: "业务办理" },
  status: { new: "待分派", assigned: "已分派", in_progress: "处理中", waiting_customer: "等待客户", resolved: "已解决", closed: "已关闭" },
  service: { broadband: "宽带", mobile: "手机", iptv: "IPTV", general: "综合", dedicated_line: "专线", iot: "物联网" },
  event: {
    created: "创建工单", assigned: "分派", status: "状态变更", transferred: "转派", escalated: "升级", comment: "备注",
    priority: "调整优先级", outage_linked: "关联区域故障", sla_warning: "时限预警", sla_breach: "超时", follow_up_due: "升级跟进到期", reopened: "重新打开",
  },
};

/// Where an SLA clock stands now: met, breached, paused, warning (last 20%) or running, with the time left.
export function sla(clock, now = Date.now()) {
  const start = Date.parse(clock.startedAt);
  const target = clock.target * 1000;
  const paused = clock.pausedSeconds * 1000;
  if (clock.metAt) {
    const used = Date.parse(clock.metAt) - start - paused;
    return { state: used <= target ? "met" : "breached", used };
  }
  if (clock.pausedSince) return { state: "paused", remaining: target - (Date.parse(clock.pausedSince) - start - paused) };
  const due = start + target + paused;
  const remaining = due - now;
  return { state: remaining <= 0 ? "breached" : remaining <= 0.2 * target ? "warning" : "running", remaining, due };
}

export function duration(ms) {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
  if (minutes < 60) return `${minutes}分`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}小时${minutes % 60 ? (minutes % 60) + "分" : ""}`;
  return `${Math.floor(hours / 24)}天${hours % 24 ? (hours % 24) + "小时" : ""}`;
}

/// The clock that matters now: the response until someone answered, then the resolution.
export function slaBadge(ticket, now = Date.now()) {
  if (ticket.status === "resolved" || ticket.status === "closed") {
    const s = sla(ticket.resolution, now);
    return h("span", { class: "badge " + (s.state === "met" ? "ok" : "bad") }, s.state === "met" ? "按时解决" : "超时解决");
  }
  const responding = !ticket.response.metAt;
  const s = sla(responding ? ticket.response : ticket.resolution, now);
  const what = responding ? "响应" : "解决";
  const text = {
    breached: `${what}已超时 ${duration(s.remaining ?? 0)}`,
    warning: `${what}剩 ${duration(s.remaining)}`,
    running: `${what}剩 ${duration(s.remaining)}`,
    paused: `已暂停（等待客户）`,
    met: `${what}已达标`,
  }[s.state];
  const kind = { breached: "bad", warning: "warn", paused: "", running: "ok", met: "ok" }[s.state];
  return h("span", { class: "badge sla " + kind, "data-sla": s.state }, text);
}

export function priorityBadge(priority) {
  const kind = { p0: "bad", p1: "warn", p2: "", p3: "" }[priority];
  return h("span", { class: "badge " + kind }, priority.toUpperCase());
}

export function statusBadge(status) {
  const kind = { resolved: "ok", closed: "ok", waiting_customer: "warn", new: "warn" }[status] || "";
  return h("span", { class: "badge " + kind }, ticketLabels.status[status] || status);
}

/// The ticket's history, oldest first, in words.
export function historyList(events, names = {}) {
  return h("ol", { class: "history" }, events.map((e) => {
    let what = ticketLabels.event[e.kind] || e.kind;
    if (e.kind === "status") what = `${ticketLabels.status[e.fromValue] || e.fromValue} → ${ticketLabels.status[e.toValue] || e.toValue}`;
    if (e.kind === "transferred") what = `转派：${labels.skill[e.fromValue] || e.fromValue} → ${labels.skill[e.toValue] || e.toValue}`;
    if (e.kind === "priority") what = `优先级 ${e.fromValue?.toUpperCase()} → ${e.toValue?.toUpperCase()}`;
    if (e.kind === "assigned") what = names[e.toValue] ? `分派给 ${names[e.toValue]}` : "已分派专人处理";
    const who = e.actorKind === "customer" ? "客户" : e.actorKind === "system" ? "系统" : names[e.actorId] || "客服";
    return h("li", { class: e.isInternal ? "internal" : "" },
      h("div", { class: "hint" }, `${dateTime(e.at)} · ${who}`, e.isInternal ? h("span", { class: "badge" }, "内部") : null),
      h("div", {}, what, e.text ? h("div", { class: "note" }, e.text) : null));
  }));
}

/// Steps the customer sees: 已受理 → 处理中 → 已解决 → 已关闭.
export function progressSteps(status) {
  const order = ["new", "in_progress", "resolved", "closed"];
  const at = { new: 0, assigned: 0, in_progress: 1, waiting_customer: 1, resolved: 2, closed: 3 }[status];
  const names = ["已受理", status === "waiting_customer" ? "等待您回复" : "处理中", "已解决", "已关闭"];
  return h("ol", { class: "steps", "aria-label": "处理进度" }, order.map((_, i) =>
    h("li", { class: i < at ? "done" : i === at ? "current" : "" }, names[i])));
}

let templates = null;
export async function ticketTemplates() {
  templates = templates || await api("GET", "/api/v1/ticket-templates");
  return templates;
}

/// The create form. `draft` prefills it (from a chat); `lines` are the customer's subscriptions; staff may
/// override the priority with a reason. Calls `onCreated(result)` with what the server stored.
export async function ticketForm({ draft = {}, customerId, lines = [], staff = false, onCreated, onCancel }) {
  const all = await ticketTemplates();
  const type = h("select", { name: "type", "aria-label": "工单类型" }, all.map((t) => h("option", { value: t.type, selected: t.type === draft.type }, t.label)));
  const title = h("input", { name: "title", "data-field": "title", maxlength: "200", value: draft.title || "", placeholder: "一句话说明问题" });
  const line = h("select", { name: "subscriptionId", "aria-label": "相关号码" },
    h("option", { value: "" }, "不指定号码"),
    lines.map((l) => h("option", { value: l.id, selected: l.id === draft.subscriptionId }, `${ticketLabels.service[l.kind] || l.kind} ${l.number}`)));
  const down = h("input", { type: "checkbox", name: "serviceDown" });
  const fields = h("div", { class: "stack" });
  const values = { ...(draft.fields || {}) };
  const renderFields = () => {
    const template = all.find((t) => t.type === type.value);
    // A customer is asked only what a customer can say; staff-only fields are for the agent.
    const asked = (f) => staff || !f.staffOnly;
    fields.replaceChildren(...[...template.requiredFields.filter(asked).map((f) => [f, true]), ...template.optionalFields.filter(asked).map((f) => [f, false])].map(([f, required]) => {
      const long = ["symptom", "details", "reason", "stepsTaken"].includes(f.key);
      const input = h(long ? "textarea" : "input", { name: f.key, id: "tf-" + f.key, "data-field": "fields." + f.key, maxlength: "2000", rows: long ? "3" : null, required });
      input.value = values[f.key] || "";
      input.addEventListener("input", () => { values[f.key] = input.value; });
      return h("div", {}, h("label", { for: "tf-" + f.key }, f.label, required ? " *" : "（选填）"), input);
    }));
    down.closest("label").hidden = type.value !== "fault";
  };
  const override = h("select", { name: "priorityOverride", "aria-label": "优先级" },
    h("option", { value: "" }, "按规则自动计算"), ["p0", "p1", "p2", "p3"].map((p) => h("option", { value: p }, p.toUpperCase())));
  const reason = h("input", { name: "overrideReason", maxlength: "500", placeholder: "手工指定优先级的原因" });
  const error = h("div", { class: "error", role: "alert" });
  const form = h("form", { class: "stack ticket-form", novalidate: true },
    h("div", { class: "row" }, h("div", {}, h("label", {}, "类型"), type), h("div", {}, h("label", {}, "相关号码"), line)),
    h("div", {}, h("label", {}, "标题"), title),
    fields,
    h("label", { class: "check" }, down, " 业务完全中断（无法使用）"),
    staff ? h("div", { class: "row" }, h("div", {}, h("label", {}, "优先级"), override), h("div", {}, h("label", {}, "原因"), reason)) : null,
    draft.summary ? h("p", { class: "hint" }, "会话摘要：", draft.summary) : null,
    draft.activeOutage ? h("p", { class: "warn-box" }, `该区域已有故障：${draft.activeOutage.title}，工单将自动关联。`) : null,
    h("div", { class: "row" }, h("button", { class: "primary", type: "submit" }, "提交工单"), onCancel ? h("button", { type: "button", onclick: onCancel }, "取消") : null),
    error);
  type.addEventListener("change", renderFields);
  form.addEventListener("input", () => showError(error, null));
  renderFields();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    const template = all.find((t) => t.type === type.value);
    const known = new Set([...template.requiredFields, ...template.optionalFields].map((f) => f.key));
    const body = {
      type: type.value, title: title.value.trim(),
      fields: Object.fromEntries(Object.entries(values).filter(([k, v]) => known.has(k) && v.trim() !== "")),
    };
    if (customerId) body.customerId = customerId;
    if (line.value) body.subscriptionId = line.value;
    if (type.value === "fault" && down.checked) body.serviceDown = true;
    for (const key of ["conversationId", "intent", "summary"]) if (draft[key]) body[key] = draft[key];
    if (draft.keywords?.length) body.keywords = draft.keywords;
    if (staff && override.value) { body.priorityOverride = override.value; body.overrideReason = reason.value.trim(); }
    const missing = template.requiredFields.filter((f) => (staff || !f.staffOnly) && !body.fields[f.key]).map((f) => f.label);
    if (!body.title) return showError(error, { message: "请填写标题" });
    if (missing.length) return showError(error, { message: "请填写：" + missing.join("、") });
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      onCreated(await api("POST", "/api/v1/tickets", body));
    } catch (e) {
      showError(error, e, form);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
