import { api } from "./api.js";
import { $, h, fill, showError, labels } from "./dom.js";
import { render360 } from "./customer360.js";
import { staffSession } from "./staff-login.js";
import { ChatConnection, bubble } from "./chat-client.js";
import { servicesCard } from "./business.js";
import { ticketForm } from "./tickets-common.js";

let me = null;
let query = "";
let cursor = null;
let chat = null;
let active = null;                 // conversation id shown in the pane
const chats = new Map();           // id -> { view, messages: Map(seq -> message), readSeq, waitingSince }
let replies = [];
let forbidden = [];
let deskLimit = null;               // chats the agent may hold at once, from the welcome and status frames

// The agent's own lines: what a colleague or a lead wrote in the chat (before a transfer, during a
// take-over, a whisper) is on the other side.
const ownLine = (m) => m.sender === "agent" && m.senderId === me?.id;

staffSession(async (who) => {
  me = who;
  $("#desk").hidden = false;
  [replies, forbidden] = await Promise.all([
    api("GET", "/api/v1/quick-replies").catch(() => []),
    api("GET", "/api/v1/forbidden-words").catch(() => []),
  ]);
  startChat();
  const wanted = new URLSearchParams(location.search).get("customer");
  if (wanted) openCustomer(wanted);
});

// ---- customer search -------------------------------------------------------------------------

$("#search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  query = $("#search").value.trim();
  cursor = null;
  $("#results").replaceChildren();
  search();
});
$("#more").addEventListener("click", search);

async function search() {
  showError($("#search-error"), null);
  const params = new URLSearchParams({ limit: "20" });
  if (query) params.set("q", query);
  if (cursor) params.set("cursor", cursor);
  try {
    const page = await api("GET", "/api/v1/customers?" + params);
    if (page.items.length === 0 && !cursor) $("#results").append(h("li", { class: "hint" }, "没有找到匹配的客户"));
    for (const c of page.items) {
      $("#results").append(h("li", { onclick: (e) => openCustomer(c.id, e.currentTarget), tabindex: "0", "data-id": c.id },
        h("div", {}, c.name, " ", c.vipLevel > 0 ? h("span", { class: "badge vip" }, "VIP") : null),
        h("div", { class: "hint" }, `${c.contactPhone} · ${c.city}${c.district}`)));
    }
    cursor = page.nextCursor || null;
    $("#more").hidden = !cursor;
  } catch (e) {
    showError($("#search-error"), e);
  }
}

async function openCustomer(id, item) {
  for (const li of $("#results").children) li.removeAttribute("aria-current");
  if (item) item.setAttribute("aria-current", "true");
  const target = $("#customer");
  target.replaceChildren(h("div", { class: "card hint" }, "加载中…"));
  try {
    const view = await api("GET", `/api/v1/customers/${encodeURIComponent(id)}/360`);
    const parts = render360(view, { staff: true });
    if (view.customer.masked && me.permissions.includes("pii.unmask")) parts[0].append(unmaskForm(id));
    target.replaceChildren(parts[0], servicesCard(id, view), ...parts.slice(1));
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

function unmaskForm(id) {
  const reason = h("input", { placeholder: "查看原因（将记入审计日志）", maxlength: "200" });
  const error = h("div", { class: "error", role: "alert" });
  const form = h("form", { class: "row", style: "margin-top: 12px" }, reason, h("button", { type: "submit" }, "查看完整信息"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const customer = await api("POST", `/api/v1/customers/${encodeURIComponent(id)}/unmask`, { reason: reason.value.trim() });
      form.replaceWith(h("dl", { class: "kv", style: "margin-top: 12px" },
        h("dt", {}, "姓名"), h("dd", {}, customer.name),
        h("dt", {}, "电话"), h("dd", {}, customer.phones.join("、")),
        h("dt", {}, "证件号"), h("dd", {}, customer.idNumber),
        h("dt", {}, "地址"), h("dd", {}, customer.address)));
    } catch (e) {
      showError(error, e);
    }
  });
  return h("div", {}, form, error);
}

// ---- chats -----------------------------------------------------------------------------------

const stateNames = { bot: "机器人", queued: "排队中", assigned: "接待中", resolved: "已结束", closed: "已关闭" };

function startChat() {
  chat = new ChatConnection({ storageKey: "kefu-desk-" + me.id });
  chat.addEventListener("welcome", (e) => {
    $("#status").value = e.detail.status || "online";
    deskLimit = e.detail.limit || deskLimit;
    const reads = e.detail.reads || {};
    for (const view of e.detail.conversations || []) {
      upsert(view);
      const entry = chats.get(view.id);
      entry.readSeq = Math.max(entry.readSeq, reads[view.id] || 0);
    }
    renderList();
  });
  chat.addEventListener("status", (e) => {
    $("#status").value = e.detail.status;
    deskLimit = e.detail.limit;
    renderLoad();
  });
  chat.addEventListener("conversation", (e) => {
    const view = e.detail.conversation;
    const open = view.state === "assigned" || view.state === "resolved";
    const mine = view.agent && view.agent.id === me.id && open;
    // A chat a team lead took over from this agent stays on the desk, read-only, until it is handed back.
    if (mine || (open && takenFromMe(view))) upsert(view); else chats.delete(view.id);
    if (!mine && !takenFromMe(view) && active === view.id) { showEnded(view); }
    renderList();
    if (active === view.id) { renderHead(); readOnlyIfTaken(chats.get(view.id)); }
  });
  chat.addEventListener("message", (e) => {
    const m = e.detail.message;
    const entry = chats.get(m.conversationId);
    if (!entry) return;
    entry.messages.set(m.seq, m);
    entry.waitingSince = waitingSince(entry);
    if (active === m.conversationId) {
      appendToLog(m);
      if (m.sender === "customer" && m.text && entry.view.id === active) suggest(entry.view.id);
      markRead(entry, m.seq);
    }
    renderList();
  });
  // Read on another desk of this agent (or before a reload): no longer new here either.
  chat.addEventListener("read", (e) => {
    const entry = chats.get(e.detail.conversationId);
    if (!entry || e.detail.sender !== "agent") return;
    entry.readSeq = Math.max(entry.readSeq, e.detail.seq || 0);
    renderList();
  });
  chat.addEventListener("typing", (e) => {
    if (e.detail.conversationId !== active || e.detail.sender !== "customer") return;
    $("#chat-typing").textContent = "客户正在输入…";
    clearTimeout(startChat.typingTimer);
    startChat.typingTimer = setTimeout(() => { $("#chat-typing").textContent = ""; }, 3000);
  });
  chat.addEventListener("error", (e) => {
    const retrying = e.detail.retrying ? `，${e.detail.retryAfter || 1} 秒后自动重发` : "";
    showError($("#chat-error"), { message: (e.detail.retrying ? "发送过于频繁" : e.detail.text) + retrying });
    if (e.detail.code === "forbidden_word" && lastSent && e.detail.clientId === lastSent.clientId) restoreRefused(e.detail);
  });
  // The message sent again after the wait is stored: the notice has done its work.
  chat.addEventListener("ack", () => { if ($("#chat-error").textContent.includes("自动重发")) showError($("#chat-error"), null); });
  chat.addEventListener("offline", () => showError($("#chat-error"), { message: "连接中断，正在重连…" }));
  chat.addEventListener("online", () => showError($("#chat-error"), null));
  chat.addEventListener("ended", () => {
    showError($("#chat-error"), { message: "登录已失效，请重新登录" });
    setTimeout(() => location.reload(), 1500);
  });
  chat.connect();
  setInterval(renderTimers, 1000);
}

function upsert(view) {
  const entry = chats.get(view.id) || { messages: new Map(), readSeq: 0, waitingSince: null };
  entry.view = view;
  entry.waitingSince = waitingSince(entry);
  chats.set(view.id, entry);
}

// The customer's messages since the agent took the chat: what the bot was told before is history. The
// chat was taken at the system's greeting (or transfer notice) in this agent's name; times in frames
// are whole seconds, so the message numbers decide.
function assignmentSeq(entry) {
  const agentId = entry.view && entry.view.agent && entry.view.agent.id;
  let seq = 0;
  for (const m of entry.messages.values()) if (m.sender === "system" && m.senderId === agentId && m.seq > seq) seq = m.seq;
  return seq;
}

function sinceAssignment(entry, m, from = assignmentSeq(entry)) {
  return m.sender === "customer" && m.visibility !== "staff" && m.seq > from;
}

// Since when the customer has waited for an answer: their first message after the agent's last reply
// (a note to colleagues is no answer), counting only what they wrote since the chat was assigned.
function waitingSince(entry) {
  let since = null;
  const from = assignmentSeq(entry);
  for (const m of [...entry.messages.values()].sort((a, b) => a.seq - b.seq)) {
    if (sinceAssignment(entry, m, from)) since = since || new Date(m.createdAt);
    else if (m.sender === "agent" && m.visibility !== "staff") since = null;
  }
  return since;
}

function unreadCount(entry) {
  let n = 0;
  const from = assignmentSeq(entry);
  for (const m of entry.messages.values()) if (m.seq > entry.readSeq && sinceAssignment(entry, m, from)) n += 1;
  return n;
}

function markRead(entry, seq) {
  if (!seq || seq <= entry.readSeq) return;
  entry.readSeq = seq;
  chat.raw({ type: "read", conversationId: entry.view.id, seq });
}

// How many chats the agent holds against their limit, from the start and after every change: the
// chats in the list that are being served.
const takenFromMe = (view) => view.takenFrom === me.id && view.agent?.id !== me.id;

// A chat taken over by a lead: the agent reads along, writes nothing and has no actions on it.
function readOnlyIfTaken(entry) {
  if (!entry) return;
  const taken = takenFromMe(entry.view);
  $("#chat-input").disabled = taken;
  $("#chat-send").disabled = taken;
  $("#chat-actions").hidden = taken;
}

function renderLoad() {
  const held = [...chats.values()].filter(({ view }) => view.state === "assigned" && !takenFromMe(view)).length;
  $("#load").textContent = deskLimit ? `接待 ${held}/${deskLimit}` : "";
}

function renderList() {
  renderLoad();
  const list = $("#chats");
  if (chats.size === 0) {
    list.replaceChildren(h("li", { class: "hint" }, "暂无会话，新的会话会自动分配给你。"));
    return;
  }
  list.replaceChildren(...[...chats.values()].map((entry) => [entry.view, unreadCount(entry)]).map(([view, unread]) => h("li", {
    "data-id": view.id, "aria-current": view.id === active ? "true" : false, tabindex: "0",
    onclick: () => select(view.id),
  },
  h("div", { class: "row", style: "align-items: center" },
    h("span", {}, view.visitorName, " ", view.vip ? h("span", { class: "badge vip" }, "VIP") : null),
    unread ? h("span", { class: "unread", "aria-label": `${unread}条未读` }, unread) : null),
  h("div", { class: "hint" }, `${labels.skill[view.skill] || view.skill} · ${takenFromMe(view) ? "班长接管中" : stateNames[view.state] || view.state} `,
    h("span", { class: "waiting", "data-waiting": view.id })))));
  renderTimers();
}

function renderTimers() {
  for (const span of document.querySelectorAll("[data-waiting]")) {
    const entry = chats.get(span.dataset.waiting);
    if (!entry || !entry.waitingSince || entry.view.state !== "assigned") { span.textContent = ""; continue; }
    const seconds = Math.max(0, Math.floor((Date.now() - entry.waitingSince.getTime()) / 1000));
    span.textContent = `待回复 ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    span.classList.toggle("late", seconds >= 30);
  }
}

function select(id) {
  active = id;
  const entry = chats.get(id);
  markRead(entry, Math.max(0, ...entry.messages.keys()));
  renderList();
  renderHead();
  const log = $("#chat-log");
  log.replaceChildren(...[...entry.messages.values()].sort((a, b) => a.seq - b.seq).map((m) => bubble(h, m, { mine: ownLine(m), viewerId: me?.id })));
  stuckToBottom = true;
  toBottom();
  $("#chat-input").disabled = false;
  $("#chat-send").disabled = false;
  $("#chat-actions").hidden = false;
  readOnlyIfTaken(entry);
  if (!takenFromMe(entry.view)) $("#chat-input").focus();
  if (entry.view.customerId) openCustomer(entry.view.customerId);
  $("#suggestions").hidden = true;
  if (!takenFromMe(entry.view)) suggest(entry.view.id);
}

// The library's best answers to what the customer needs now, as the server reads the chat; a click
// puts one in the reply box.
let suggesting = 0;
async function suggest(conversationId) {
  const ticket = ++suggesting;
  try {
    const result = await api("GET", `/api/v1/conversations/${encodeURIComponent(conversationId)}/suggestions`);
    if (ticket !== suggesting || conversationId !== active) return;
    const box = $("#suggestions");
    box.hidden = result.articles.length === 0;
    const about = result.basedOn && result.basedOn.length > 16 ? result.basedOn.slice(0, 16) + "…" : result.basedOn;
    box.replaceChildren(h("span", { class: "hint", title: result.basedOn || "" }, about ? `推荐答案（针对“${about}”）：` : "推荐答案："),
      ...result.articles.map((a) => h("button", {
      type: "button", title: a.answer,
      onclick: () => {
        const input = $("#chat-input");
        input.value = [a.answer, ...a.steps.map((step, i) => `${i + 1}. ${step}`)].join("\n");
        input.focus();
        input.dispatchEvent(new Event("input"));
      },
    }, a.title)));
  } catch {
    $("#suggestions").hidden = true;
  }
}

function renderHead() {
  const entry = chats.get(active);
  if (!entry) return;
  $("#chat-title").textContent = `${entry.view.visitorName} · ${labels.skill[entry.view.skill] || entry.view.skill}`;
  $("#chat-state").textContent = takenFromMe(entry.view)
    ? `已由 ${entry.view.agent.agentNo} ${entry.view.agent.displayName} 接管 · 只读`
    : stateNames[entry.view.state] || entry.view.state;
}

function showEnded(view) {
  $("#chat-state").textContent = stateNames[view.state] || "已转出";
  $("#chat-input").disabled = true;
  $("#chat-send").disabled = true;
  $("#chat-actions").hidden = true;
}

// The log follows the newest message while the agent is at the bottom; scrolled up to read back, it
// stays where they are and a marker says something new came. Only the agent's own scrolling (wheel,
// touch, keys, the scroll bar) unsticks it: history filling in and the pane changing size do not.
let stuckToBottom = true;
let userScrolling = 0;
function toBottom() {
  const log = $("#chat-log");
  log.scrollTop = log.scrollHeight;
  $("#new-messages").hidden = true;
}
for (const kind of ["wheel", "touchmove", "keydown", "pointerdown"]) {
  $("#chat-log").addEventListener(kind, () => { userScrolling = Date.now(); }, { passive: true });
}
$("#chat-log").addEventListener("scroll", () => {
  const log = $("#chat-log");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  if (atBottom) { stuckToBottom = true; $("#new-messages").hidden = true; }
  else if (Date.now() - userScrolling < 1000) stuckToBottom = false;
  else if (stuckToBottom) toBottom();
});
// The pane changes size as the customer's record and the chips load, history fills in, and pictures
// grow the log as they arrive: the bottom stays in view.
const keepBottom = () => { if (stuckToBottom) toBottom(); };
new ResizeObserver(keepBottom).observe($("#chat-log"));
new MutationObserver(keepBottom).observe($("#chat-log"), { childList: true });
$("#chat-log").addEventListener("load", keepBottom, true);
$("#new-messages").addEventListener("click", () => { stuckToBottom = true; toBottom(); });

function appendToLog(m) {
  const log = $("#chat-log");
  if (log.querySelector(`[data-seq="${m.seq}"]`)) return;
  const element = bubble(h, m, { mine: ownLine(m), viewerId: me?.id });
  const later = [...log.querySelectorAll("[data-seq]")].find((e) => Number(e.dataset.seq) > m.seq);
  log.insertBefore(element, later || null);
  if (stuckToBottom || m.sender === "agent") toBottom(); else $("#new-messages").hidden = false;
}

// ---- composing -------------------------------------------------------------------------------

function fold(text) {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/\u3000/g, " ").toLowerCase();
}

$("#chat-input").addEventListener("input", () => {
  const input = $("#chat-input");
  const text = input.value;
  // A suggested answer has several lines: the box grows to show them (up to its max-height), then scrolls.
  input.style.height = "auto";
  input.style.height = `${input.scrollHeight + 2}px`;
  const hit = forbidden.find((w) => fold(text).includes(fold(w.word)));
  $("#forbidden-warning").textContent = hit ? `含禁用词“${hit.word}”，建议改为“${hit.suggestion}”` : "";
  const box = $("#replies");
  if (text.startsWith("/")) {
    const matches = replies.filter((r) => r.shortcode.startsWith(text.trim()));
    box.hidden = matches.length === 0;
    box.replaceChildren(...matches.map((r) => h("button", { type: "button", title: r.text, onclick: () => useReply(r) }, `${r.shortcode} ${r.text.slice(0, 16)}`)));
  } else {
    box.hidden = true;
  }
  if (active && Date.now() - (startChat.lastTyping || 0) > 2000) {
    startChat.lastTyping = Date.now();
    chat.raw({ type: "typing", conversationId: active });
  }
});

function useReply(reply) {
  $("#chat-input").value = reply.text;
  $("#replies").hidden = true;
  $("#chat-input").focus();
}

$("#chat-input").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    const text = $("#chat-input").value.trim();
    const exact = replies.find((r) => r.shortcode === text);
    if (exact) return useReply(exact);
    $("#chat-form").requestSubmit();
  }
});

$("#chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("#chat-input").value.trim();
  if (!text || !active) return;
  showError($("#chat-error"), null);
  const note = $("#chat-note").checked;
  lastSent = { clientId: chat.send(active, text, undefined, { note }), text, conversationId: active, note };
  $("#chat-note").checked = false;
  $("#chat-input").value = "";
  $("#chat-input").style.height = "";
  $("#forbidden-warning").textContent = "";
  $("#replies").hidden = true;
});

// The last message sent: one the server refuses for a forbidden word comes back to the input, the word
// selected, so the agent rewords it instead of typing it again.
let lastSent = null;
function restoreRefused(refusal) {
  const input = $("#chat-input");
  if (active !== lastSent.conversationId || input.value.trim()) return;
  input.value = lastSent.text;
  $("#chat-note").checked = lastSent.note;
  const at = fold(lastSent.text).indexOf(fold(refusal.word || ""));
  input.focus();
  if (refusal.word && at >= 0) input.setSelectionRange(at, at + refusal.word.length);
  input.dispatchEvent(new Event("input"));
}

$("#transfer").addEventListener("click", () => {
  const target = $("#transfer-to").value;
  if (!active || !target) return showError($("#chat-error"), { message: "请选择转接的技能组或同事" });
  if (target.startsWith("agent:")) chat.raw({ type: "transfer", conversationId: active, toAgentId: target.slice(6) });
  else chat.raw({ type: "transfer", conversationId: active, toSkill: target });
});

// Colleagues who have the desk open, with their load, refreshed whenever the list is opened.
$("#transfer-to").addEventListener("focus", loadColleagues);
async function loadColleagues() {
  try {
    const agents = await api("GET", "/api/v1/chat/agents");
    const status = { online: "在线", busy: "忙碌", away: "离开" };
    $("#transfer-colleagues").replaceChildren(...agents.filter((a) => a.id !== me.id).map((a) => h("option", {
      value: "agent:" + a.id, disabled: a.status !== "online" || a.activeChats >= a.limit,
    }, `${a.displayName}（${a.agentNo}）· ${status[a.status] || a.status} ${a.activeChats}/${a.limit}`)));
  } catch {
    $("#transfer-colleagues").replaceChildren();
  }
}

// A ticket from the chat: the server drafts it from the conversation, the agent checks and submits.
$("#new-ticket").addEventListener("click", async () => {
  if (!active) return;
  const dialog = $("#ticket-dialog");
  const body = $("#ticket-dialog-body");
  showError($("#chat-error"), null);
  try {
    const draft = await api("GET", "/api/v1/tickets/draft?conversationId=" + encodeURIComponent(active));
    const view = await api("GET", `/api/v1/customers/${encodeURIComponent(draft.customerId)}/360`);
    const form = await ticketForm({
      draft, customerId: draft.customerId, lines: view.subscriptions, staff: true,
      onCancel: () => dialog.close(),
      onCreated: (result) => {
        const t = result.ticket;
        fill(body, h("h2", {}, "工单已创建"),
          h("p", {}, `工单号 ${t.number}，优先级 ${t.priority.toUpperCase()}（${t.priorityReason}）。`),
          result.incident ? h("p", { class: "warn-box" }, `已触发区域故障：${result.incident.title}`) : null,
          h("div", { class: "row" }, h("a", { href: "/tickets/?id=" + encodeURIComponent(t.id), target: "_blank" }, "在工单中心查看"),
            h("button", { onclick: () => dialog.close() }, "关闭")));
        if (chat && active) chat.send(active, `已为您创建工单 ${t.number}，我们会尽快处理，处理进展可在“我的工单”中查看。`);
      },
    });
    body.replaceChildren(h("h2", {}, "新建工单"), form);
    dialog.showModal();
  } catch (e) {
    showError($("#chat-error"), e);
  }
});

$("#end-chat").addEventListener("click", () => {
  if (active) chat.raw({ type: "end", conversationId: active });
});

$("#status").addEventListener("change", () => {
  chat.raw({ type: "status", status: $("#status").value });
});
