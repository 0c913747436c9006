// The wallboard for team leads: the floor as it is now, pushed over /ws/floor (docs/chat-protocol.md),
// and today's figures of record. Waits are sent as the instants they began and counted up here, against
// the server's clock, so the screen moves every second without a frame from the server.
import { $, h, fill, labels } from "./dom.js";
import { staffSession } from "./staff-login.js";
import { svg } from "./svg.js";
import { bubble } from "./chat-client.js";

const GROUPS = ["mobile", "broadband", "billing", "enterprise", "vip"];
const STATE = { online: "在线", busy: "忙碌", away: "离开" };
const CHAT_STATE = { bot: "机器人", queued: "排队中", assigned: "接待中", resolved: "待评价" };
/// A wait over this long is shown in red: the operator's first-response target.
const LATE = 30;
/// The wall shows the chats that most need a lead's eye; the rest are counted.
const CHAT_ROWS = 60, CHAT_ROWS_ON_PHONE = 12;
const onPhone = matchMedia("(max-width: 760px)");

let board = null;
let figures = null;
const chats = new Map();
let offset = 0; // server time minus this browser's time
let socket = null;
let delay = 500;
let me = null; // the lead's staff id

staffSession((who) => {
  me = who.id;
  if (!who.permissions.includes("floor.watch")) {
    $("#board").replaceWith(h("section", { class: "card" }, h("p", {}, "实时监控需要班长或管理员权限。")));
    return;
  }
  $("#board").hidden = false;
  connect();
  setInterval(tick, 1000);
});

const serverNow = () => Date.now() + offset;
const since = (iso) => (iso ? Math.max(0, (serverNow() - Date.parse(iso)) / 1000) : null);
const clock = (s) => (s == null ? "—" : s < 3600 ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}` : `${Math.floor(s / 3600)}小时${Math.floor((s % 3600) / 60)}分`);
const pct = (x) => (x == null ? "—" : (x * 100).toFixed(1) + "%");

function connect() {
  socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/floor`);
  socket.addEventListener("open", () => {
    delay = 500;
    // A watch survives a reconnect: asked again, with its history.
    if (watched) watch(watched.id);
  });
  socket.addEventListener("message", (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    receive(frame);
  });
  socket.addEventListener("close", (event) => {
    if (event.code === 1008) { live("登录已失效，请重新登录", "bad"); return; }
    live("连接中断，正在重新连接…", "bad");
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 8000);
  });
}

function receive(frame) {
  switch (frame.type) {
    case "floor":
      chats.clear();
      for (const chat of frame.chats) chats.set(chat.id, chat);
      setBoard(frame.board);
      break;
    case "floor_update":
      // An update's board leaves out the agents unless one of them changed.
      if (frame.board) setBoard({ ...frame.board, agents: frame.agents ?? board.agents });
      for (const chat of frame.chats) chats.set(chat.id, chat);
      for (const id of frame.ended) chats.delete(id);
      break;
    case "figures":
      figures = frame.figures;
      drawFigures();
      break;
    case "watching": case "message": case "synced": case "conversation": case "ack": case "error": case "unwatched":
    case "taken_over": case "handed_back":
      watchFrame(frame);
      return;
    default:
      return;
  }
  if (frame.type === "floor_update" && watched && frame.ended.includes(watched.id)) watchEnded();
  live("实时 · 已连接", "ok");
  schedule();
}

function setBoard(next) {
  board = next;
  offset = Date.parse(next.at) - Date.now();
}

function live(text, kind) {
  const status = $("#live");
  status.textContent = text;
  status.className = "live " + kind;
}

// Frames can come many a second; the screen is drawn once per animation frame at most.
let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; draw(); });
}

function tick() {
  if (board) draw();
}

function draw() {
  if (!board) return;
  drawQueues();
  drawTiles();
  drawAgents();
  drawChats();
}

function drawQueues() {
  const bySkill = new Map(board.groups.map((g) => [g.skill, g]));
  fill($("#queues"), GROUPS.map((skill) => {
    const g = bySkill.get(skill) || { queued: 0, withAgents: 0, agentsOnline: 0 };
    const wait = since(g.oldestQueuedAt);
    const late = wait != null && wait > LATE;
    return h("div", { class: "card queue" + (g.queued ? (late ? " bad" : " warn") : ""), "data-skill": skill },
      h("div", { class: "queue-name" }, labels.skill[skill]),
      h("div", { class: "queue-main" },
        h("span", { class: "kpi-value", "data-figure": "queued" }, String(g.queued)), h("span", { class: "hint" }, " 人排队")),
      h("div", { class: "hint" }, "最长等待 ", h("b", { class: "waiting" + (late ? " late" : ""), "data-figure": "longest" }, clock(wait))),
      h("div", { class: "hint" }, `接待中 ${g.withAgents} · 在线客服 ${g.agentsOnline}`));
  }));
}

function tile(label, value, { target, ok, note } = {}) {
  return h("div", { class: "card kpi" + (ok === undefined ? "" : ok ? " ok" : " bad"), "data-kpi": label },
    h("div", { class: "hint" }, label), h("div", { class: "kpi-value" }, value),
    h("div", { class: "hint" }, target != null ? `目标 ≥ ${pct(target)}` : note || "\u00a0"),
    target != null && note ? h("div", { class: "hint" }, note) : null);
}

function drawTiles() {
  const c = board.counts;
  const cutoff = serverNow() - 30 * 60 * 1000;
  const abandoned = board.abandonedAt.filter((at) => Date.parse(at) >= cutoff).length;
  const live = [
    tile("机器人接待中", String(c.withBot), { note: `人工接待中 ${c.withAgents}` }),
    tile("待回复客户", String(c.awaitingReply), { note: `情绪激动 ${c.angry}` }),
    tile("近30分钟放弃", String(abandoned), { note: "排队中离开或结束" }),
  ];
  if (!figures) { fill($("#kpis"), live); return; }
  const t = figures.today.total, goal = figures.today.targets, month = figures.month.total;
  const meets = (x, target) => (x == null ? undefined : x >= target);
  const handovers = t.chats.handovers.reduce((n, r) => n + r.chats, 0);
  const handoverRate = t.chats.chats ? handovers / t.chats.chats : null;
  fill($("#kpis"),
    tile("今日30秒首响率", pct(t.chats.shareWithin30s), { target: goal.firstResponseWithin30s, ok: meets(t.chats.shareWithin30s, goal.firstResponseWithin30s), note: `${t.chats.taken} 个人工会话` }),
    tile("首次解决率 FCR", pct(month.surveys.firstContactResolution), {
      target: goal.firstContactResolution, ok: meets(month.surveys.firstContactResolution, goal.firstContactResolution), note: "近30天",
    }),
    tile("今日满意度 CSAT", pct(t.surveys.csat), { target: goal.csat, ok: meets(t.surveys.csat, goal.csat), note: `${t.surveys.answered} 条评价` }),
    tile("今日 NPS", t.surveys.nps == null ? "—" : t.surveys.nps.toFixed(1), { note: `${t.surveys.npsAnswers} 人回答` }),
    tile("今日 SLA 超时", String(t.tickets.breached), { ok: t.tickets.breached === 0 && figures.nearBreach === 0 ? undefined : false, note: `临近超时 ${figures.nearBreach} 张` }),
    tile("今日转人工率", pct(handoverRate), { note: `${handovers}/${t.chats.chats} 个会话` }),
    ...live,
  );
}

function drawAgents() {
  const s = board.agentStates;
  $("#agent-states").textContent = `在线 ${s.online} · 忙碌 ${s.busy} · 离开 ${s.away}`;
  if (!board.agents.length) { fill($("#agents"), h("p", { class: "hint" }, "还没有客服上线。")); return; }
  fill($("#agents"), h("ul", { class: "plain agents" }, board.agents.map((a) => {
    const full = a.load >= a.limit;
    return h("li", { class: "agent " + a.status, "data-agent": a.agentNo },
      h("span", { class: "badge " + (a.status === "online" ? "ok" : a.status === "busy" ? "warn" : "") }, STATE[a.status]),
      h("span", { class: "agent-name" }, `${a.agentNo} ${a.displayName}`),
      h("span", { class: "load" + (full ? " full" : ""), "aria-label": `接待 ${a.load}，上限 ${a.limit}` },
        h("span", { class: "load-bar", style: `width: ${Math.min(100, (a.load / Math.max(1, a.limit)) * 100)}%` })),
      h("span", { class: "num", "data-figure": "load" }, `${a.load}/${a.limit}`));
  })));
}

// The chats that most need a look first: waiting for a person longest, then customers waiting for an
// agent's reply longest, then the angry, then the rest by age.
function urgency(chat) {
  if (chat.state === "queued") return [0, -(since(chat.queuedAt) ?? 0)];
  if (chat.awaitingSince && chat.state === "assigned") return [1, -(since(chat.awaitingSince) ?? 0)];
  if (chat.angry) return [2, 0];
  return [3, Date.parse(chat.createdAt)];
}

function drawChats() {
  const agents = new Map(board.agents.map((a) => [a.id, a]));
  const all = [...chats.values()].map((c) => [urgency(c), c]).sort((a, b) => a[0][0] - b[0][0] || a[0][1] - b[0][1]).map(([, c]) => c);
  $("#chat-count").textContent = `共 ${all.length} 个`;
  const shown = all.slice(0, onPhone.matches ? CHAT_ROWS_ON_PHONE : CHAT_ROWS);
  $("#chat-more").textContent = all.length > shown.length ? `另有 ${all.length - shown.length} 个会话未列出（按紧急程度排序）` : "";
  if (!shown.length) { fill($("#chats"), h("tbody", {}, h("tr", {}, h("td", { class: "hint" }, "当前没有进行中的会话。")))); return; }
  fill($("#chats"),
    h("thead", {}, h("tr", {}, ["客户", "技能组", "状态", "客服", "等待", "未回复", "情绪", "客户最后一句", ""].map((t) => h("th", {}, t)))),
    h("tbody", {}, shown.map((c) => {
      const agent = c.agentId ? agents.get(c.agentId) : null;
      const queueWait = c.state === "queued" ? since(c.queuedAt) : null;
      const unanswered = c.state === "assigned" ? since(c.awaitingSince) : null;
      // A cell with nothing to say is marked, so a phone's card leaves it out.
      const blank = (x) => (x == null ? "blank" : "");
      return h("tr", { "data-chat": c.id, class: c.angry ? "angry" : "" },
        h("td", { "data-label": "客户" }, c.customer, c.vip ? h("span", { class: "badge vip" }, "VIP") : null),
        h("td", { "data-label": "技能组" }, labels.skill[c.skill] || c.skill),
        h("td", { "data-label": "状态" }, h("span", { class: "badge" + (c.state === "queued" ? " warn" : "") }, CHAT_STATE[c.state] || c.state)),
        h("td", { "data-label": "客服", class: blank(agent) }, agent ? `${agent.agentNo} ${agent.displayName}` : "—"),
        h("td", { "data-label": "等待", class: "num " + blank(queueWait) }, h("span", { class: "waiting" + (queueWait > LATE ? " late" : "") }, clock(queueWait))),
        h("td", { "data-label": "未回复", class: "num " + blank(unanswered) }, h("span", { class: "waiting" + (unanswered > LATE ? " late" : "") }, clock(unanswered))),
        h("td", { "data-label": "情绪", class: c.angry ? "" : "blank" }, c.angry ? h("span", { class: "badge bad" }, "激动") : h("span", { class: "hint" }, "平稳")),
        h("td", { "data-label": "最后一句", class: "excerpt" }, c.lastCustomerText || "—"),
        h("td", { class: "watch-cell" }, h("button", { type: "button", class: "watch-button", onclick: () => watch(c.id), "aria-label": `查看 ${c.customer} 的会话` }, "查看")));
    })));
}

function drawFigures() {
  if (!figures) return;
  const width = (el) => Math.max(280, Math.min(900, el.clientWidth || 500));
  const t = figures.today.total;
  $("#frt-chart").replaceChildren(histogram(t.chats.firstResponseBuckets, width($("#frt-chart"))));
  $("#hour-chart").replaceChildren(hours(figures.hours, width($("#hour-chart"))));
  $("#csat-chart").replaceChildren(csat(figures.csatByDay, figures.today.targets.csat, width($("#csat-chart"))));
  const at = new Date(figures.computedAt);
  $("#figures-at").textContent = `指标口径与服务质量报表相同（今日 00:00 起，中国时间），更新于 ${at.toLocaleTimeString("zh-CN", { hour12: false })}`;
}

const BUCKETS = [["upTo15", "0–15秒", "#1a7f37"], ["upTo30", "15–30秒", "#6cc070"], ["upTo60", "30–60秒", "#f0b429"], ["over60", "60秒以上", "#e07b39"], ["never", "未回复", "#c62828"]];

// One column a bucket, its count above it.
function histogram(buckets, width) {
  const total = BUCKETS.reduce((n, [key]) => n + buckets[key], 0);
  if (!total) return h("p", { class: "hint" }, "今天还没有人工会话。");
  const height = 180, base = 150, most = Math.max(...BUCKETS.map(([key]) => buckets[key]));
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "今日首次响应分布", class: "chart" });
  const slot = width / BUCKETS.length;
  BUCKETS.forEach(([key, label, color], i) => {
    const n = buckets[key], bar = most ? (n / most) * (base - 24) : 0, x = i * slot + slot * 0.15;
    chart.append(
      svg("rect", { x, y: base - bar, width: slot * 0.7, height: Math.max(bar, n ? 2 : 0), fill: color }, svg("title", {}, `${label}：${n}`)),
      svg("text", { x: x + slot * 0.35, y: base - bar - 6, "font-size": 13, "text-anchor": "middle", fill: "#1d2733", "data-bucket": key }, String(n)),
      svg("text", { x: x + slot * 0.35, y: base + 18, "font-size": 12, "text-anchor": "middle", fill: "#5d6b7a" }, label));
  });
  return chart;
}

// Today's chats per hour as bars, the same weekday a week ago as a line.
function hours(rows, width) {
  const base = 150, height = base + 46, left = 28;
  const most = Math.max(1, ...rows.map((r) => Math.max(r.today, r.lastWeek)));
  const slot = (width - left) / 24;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "今日分时会话量，对比上周同日", class: "chart" });
  const y = (n) => base - (n / most) * (base - 20);
  chart.append(svg("text", { x: 0, y: 14, "font-size": 11, fill: "#5d6b7a" }, String(most)), svg("line", { x1: left, x2: width, y1: base, y2: base, stroke: "#dde3ea" }));
  rows.forEach((r, i) => {
    const x = left + i * slot;
    if (r.today) chart.append(svg("rect", { x: x + slot * 0.15, y: y(r.today), width: slot * 0.7, height: base - y(r.today), fill: "#0b63c5", "data-hour": r.hour }, svg("title", {}, `${r.hour}时 今日 ${r.today} · 上周 ${r.lastWeek}`)));
    if (i % 3 === 0) chart.append(svg("text", { x: x + slot / 2, y: base + 16, "font-size": 11, "text-anchor": "middle", fill: "#5d6b7a" }, `${r.hour}时`));
  });
  const points = rows.map((r, i) => `${left + i * slot + slot / 2},${y(r.lastWeek)}`).join(" ");
  chart.append(svg("polyline", { points, fill: "none", stroke: "#e07b39", "stroke-width": 2, "stroke-dasharray": "4 3" }));
  const legend = height - 6;
  chart.append(svg("rect", { x: left, y: legend - 10, width: 10, height: 10, fill: "#0b63c5" }), svg("text", { x: left + 14, y: legend, "font-size": 12, fill: "#1d2733" }, "今日"),
    svg("line", { x1: left + 60, x2: left + 76, y1: legend - 5, y2: legend - 5, stroke: "#e07b39", "stroke-width": 2, "stroke-dasharray": "4 3" }),
    svg("text", { x: left + 80, y: legend, "font-size": 12, fill: "#1d2733" }, "上周同日"));
  return chart;
}

// CSAT by day over 30 days, with the target as a line; days without answers leave a gap.
function csat(days, target, width) {
  if (!days.some((d) => d.answered)) return h("p", { class: "hint" }, "近30天没有评价。");
  const height = 170, base = 140, top = 14, left = 36;
  const y = (x) => base - x * (base - top);
  const slot = (width - left) / days.length;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "近30天满意度", class: "chart" });
  for (const mark of [0.5, 1]) chart.append(svg("text", { x: 0, y: y(mark) + 4, "font-size": 11, fill: "#5d6b7a" }, `${mark * 100}%`));
  chart.append(svg("line", { x1: left, x2: width, y1: y(target), y2: y(target), stroke: "#1a7f37", "stroke-dasharray": "5 4" }),
    svg("text", { x: width - 4, y: y(target) - 4, "font-size": 11, "text-anchor": "end", fill: "#1a7f37" }, `目标 ${Math.round(target * 100)}%`));
  // A day without answers breaks the line: the next day starts a new stroke.
  let path = "", drawing = false;
  days.forEach((d, i) => {
    const x = left + i * slot + slot / 2;
    if ((days.length - 1 - i) % 7 === 0) {
      chart.append(svg("text", { x, y: base + 18, "font-size": 11, "text-anchor": i === days.length - 1 ? "end" : "middle", fill: "#5d6b7a" }, d.day.slice(5)));
    }
    if (d.csat == null) { drawing = false; return; }
    path += `${drawing ? "L" : "M"}${x.toFixed(1)},${y(d.csat).toFixed(1)} `;
    drawing = true;
    chart.append(svg("circle", { cx: x, cy: y(d.csat), r: 3, fill: d.csat >= target ? "#1a7f37" : "#c62828", "data-day": d.day },
      svg("title", {}, `${d.day}：${pct(d.csat)}（${d.satisfied}/${d.answered}）`)));
  });
  chart.prepend(svg("path", { d: path.trim(), fill: "none", stroke: "#0b63c5", "stroke-width": 2 }));
  return chart;
}

// Watching one chat, read-only, with a whisper to its agent. The socket sends the chat's history and
// then its messages as they come; a message is shown once by its seq.
let watched = null; // { id, messages: Map(seq → message) }
const SENDER = { customer: "客户", agent: "客服", bot: "机器人", system: "系统" };

function watch(id) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  watched = { id, messages: new Map(), ended: false };
  $("#watch-title").textContent = "查看会话";
  $("#watch-state").textContent = "正在载入…";
  $("#watch-log").replaceChildren();
  $("#watch-error").textContent = "";
  $("#whisper-form").hidden = false;
  socket.send(JSON.stringify({ type: "watch", conversationId: id, ref: "watch" }));
  if (!$("#watch").open) $("#watch").showModal();
}

function watchFrame(frame) {
  if (!watched) return;
  switch (frame.type) {
    case "watching":
      if (frame.conversationId !== watched.id) return;
      showState(frame.conversation);
      break;
    case "conversation": case "taken_over": case "handed_back":
      if (frame.conversationId === watched.id) showState(frame.conversation);
      break;
    case "message": {
      const m = frame.message;
      if (!m || m.conversationId !== watched.id || watched.messages.has(m.seq)) return;
      watched.messages.set(m.seq, m);
      const log = $("#watch-log");
      const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
      const line = bubble(h, m, { mine: m.sender === "agent" && m.visibility !== "staff", viewerId: me });
      line.prepend(h("div", { class: "hint sender" }, SENDER[m.sender] || m.sender));
      const label = line.querySelector(".note-label");
      if (label && m.sender === "agent" && m.senderId === me) label.textContent = "我的悄悄话 · 仅员工可见";
      log.append(line);
      if (atEnd) log.scrollTop = log.scrollHeight;
      break;
    }
    case "synced":
      $("#watch-log").scrollTop = $("#watch-log").scrollHeight;
      break;
    case "ack":
      $("#whisper-text").value = "";
      $("#whisper-text").focus();
      break;
    case "error":
      $("#watch-error").textContent = frame.text || "操作失败";
      if (frame.ref === "watch") $("#watch-state").textContent = "";
      break;
  }
}

function showState(c) {
  if (!c) return;
  const agent = c.agent ? ` · 客服 ${c.agent.agentNo} ${c.agent.displayName}` : "";
  const mine = c.agent && c.agent.id === me;
  $("#watch-title").textContent = `查看会话 · ${c.visitorName}`;
  $("#watch-state").textContent = `${CHAT_STATE[c.state] || "已结束"} · ${labels.skill[c.skill] || c.skill}${mine ? " · 由您接管" : agent}`;
  // Taking over needs an agent to take it from; handing back, a chat this lead took over.
  $("#take-over").hidden = !(c.state === "assigned" && c.agent && !mine);
  $("#hand-back").hidden = !(c.state === "assigned" && mine && c.takenFrom);
  $("#to-desk").hidden = !mine;
  $("#whisper-form").hidden = mine || c.state === "closed";
  if (c.state === "closed") watchEnded();
}

function watchEnded() {
  watched.ended = true;
  $("#watch-state").textContent = "会话已结束";
  for (const part of ["#whisper-form", "#take-over", "#hand-back", "#to-desk"]) $(part).hidden = true;
}

$("#whisper-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("#whisper-text").value.trim();
  $("#watch-error").textContent = "";
  if (!text) { $("#watch-error").textContent = "请输入悄悄话内容"; return; }
  if (!watched || !socket || socket.readyState !== WebSocket.OPEN) { $("#watch-error").textContent = "连接中断，请稍后再试"; return; }
  const clientId = "w-" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  socket.send(JSON.stringify({ type: "whisper", conversationId: watched.id, clientId, text, ref: "whisper" }));
});
$("#whisper-text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); $("#whisper-form").requestSubmit(); }
});
$("#watch-close").addEventListener("click", () => $("#watch").close());
for (const [button, type] of [["#take-over", "take_over"], ["#hand-back", "hand_back"]]) {
  $(button).addEventListener("click", () => {
    $("#watch-error").textContent = "";
    if (watched && socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type, conversationId: watched.id, ref: type }));
  });
}
$("#watch").addEventListener("close", () => {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "unwatch", ref: "unwatch" }));
  watched = null;
});
