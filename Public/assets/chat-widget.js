// The customer's chat window: skill menu, bot, queue, agent, survey. Reconnects and resumes by itself.
import { h, $ } from "./dom.js";
import { ChatConnection, bubble, uploadAttachment } from "./chat-client.js";
import { surveyForm } from "./survey.js";

const skills = [["billing", "话费账单"], ["mobile", "手机业务"], ["broadband", "宽带/电视"], ["enterprise", "政企业务"]];

// What a waiting customer reads: their place, and a wait only when someone can serve them.
export function queueText(q) {
  if (q.available === false) {
    return q.code === "closed" ? "当前不在人工服务时间，可以留言，我们会回电给您" : "当前暂无客服在线，可以留言或继续等待";
  }
  const place = q.position <= 1 ? "您是下一位" : `您前面还有 ${q.position - 1} 位`;
  if (q.estimatedWaitSeconds == null) return `正在排队：${place}`;
  if (q.estimatedWaitSeconds < 30) return `正在排队：${place}，即将为您接通`;
  return `正在排队：${place}，预计等待约 ${Math.max(1, Math.round(q.estimatedWaitSeconds / 60))} 分钟`;
}

export function mountWidget(root, who) {
  const chat = new ChatConnection({ storageKey: "kefu-chat-" + who.id });
  let conversation = null;
  const rendered = new Map();       // seq -> element
  const pendingBubbles = new Map(); // clientId -> element

  const title = h("h2", {}, "在线客服");
  const status = h("span", { class: "badge" }, "连接中…");
  const close = h("button", { "aria-label": "关闭", onclick: () => { root.hidden = true; } }, "×");
  const log = h("div", { class: "chat-log", role: "log", "aria-live": "polite" });
  const typing = h("div", { class: "chat-typing" });
  const banner = h("div", { class: "chat-banner", hidden: true });
  const chips = h("div", { class: "chips" });
  const input = h("textarea", { placeholder: "请输入您的问题", maxlength: "2000", "aria-label": "消息" });
  const file = h("input", { type: "file", accept: "image/*,audio/*", hidden: true });
  const attach = h("button", { type: "button", title: "发送图片或语音", "aria-label": "发送图片或语音", onclick: () => file.click() }, "＋");
  const sendButton = h("button", { class: "primary", type: "submit" }, "发送");
  const form = h("form", { class: "chat-input" }, attach, input, sendButton, file);
  const error = h("div", { class: "error", role: "alert", style: "padding: 0 14px" });
  root.replaceChildren(h("div", { class: "chat", style: "height: 100%" },
    h("div", { class: "chat-head" }, title, status, close), log, typing, banner, chips, error, form));

  // A category chosen and its chat not open yet: what the customer types meanwhile waits for it.
  let starting = false;
  const early = [];

  function showMenu() {
    starting = false;
    chips.replaceChildren(h("span", { class: "hint" }, "请选择咨询类别："),
      ...skills.map(([skill, label]) => h("button", { type: "button", onclick: () => start(skill) }, label)));
  }

  function start(skill) {
    starting = true;
    chips.replaceChildren(h("span", { class: "hint" }, "正在接入…"));
    chat.raw({ type: "start", skill });
  }

  function showActions() {
    chips.replaceChildren();
    if (conversation && conversation.state === "bot") {
      chips.append(h("button", { type: "button", onclick: () => chat.raw({ type: "human", conversationId: conversation.id }) }, "转人工"));
      const rating = botRating();
      if (rating) chips.append(rating);
    }
    if (conversation && conversation.state === "queued") {
      chips.append(h("button", { type: "button", class: "leave-message", onclick: showLeaveMessage }, "留言"));
    }
  }

  // Instead of waiting: a message and a number to be called back on, which becomes a ticket.
  function showLeaveMessage() {
    error.textContent = "";
    if (who.kind !== "customer") {
      chips.replaceChildren(h("span", { class: "hint" }, "留言需要先用手机号登录，以便客服回电。"),
        h("button", { type: "button", onclick: () => { root.hidden = true; document.querySelector("#phone")?.focus(); } }, "去登录"),
        h("button", { type: "button", onclick: showActions }, "继续等待"));
      return;
    }
    const text = h("textarea", { rows: "3", maxlength: "500", placeholder: "请描述您的问题", "aria-label": "留言内容" });
    const phone = h("input", { type: "tel", maxlength: "20", value: who.phone || "", "aria-label": "回电号码", placeholder: "回电号码" });
    const submit = h("button", { class: "primary", type: "button", onclick: () => {
      error.textContent = "";
      if (!text.value.trim()) { error.textContent = "请填写留言内容"; text.focus(); return; }
      submit.disabled = true;
      chat.raw({ type: "leave_message", conversationId: conversation.id, text: text.value.trim(), callbackPhone: phone.value.trim(), ref: "leave" });
    } }, "提交留言");
    chips.replaceChildren(h("div", { class: "leave-form" },
      h("label", {}, "留言内容", text), h("label", {}, "回电号码", phone),
      h("div", { class: "row" }, submit, h("button", { type: "button", onclick: showActions }, "继续等待"))));
    text.focus();
  }

  function setConversation(c) {
    if (conversation && conversation.id !== c.id) { log.replaceChildren(); rendered.clear(); }
    conversation = c;
    starting = false;
    if (c.state !== "closed") {
      for (const { text, placeholder } of early.splice(0)) pendingBubbles.set(chat.send(c.id, text), placeholder);
    }
    title.textContent = c.state === "closed" ? "在线客服" : c.agent ? `客服 ${c.agent.agentNo}` : c.state === "queued" ? "排队中" : "智能客服";
    if (c.state !== "queued") banner.hidden = true;
    if (c.state === "closed") {
      document.dispatchEvent(new CustomEvent("kefu:chat-ended"));
      chips.replaceChildren(h("span", { class: "hint" }, "本次会话已结束。"),
        h("button", { type: "button", onclick: () => { chat.forget(c.id); conversation = null; log.replaceChildren(); rendered.clear(); showMenu(); } }, "发起新会话"));
    } else if (c.state === "resolved") {
      // Waiting for its survey, also after a reload; shown once, not again for every state frame.
      if (chips.dataset.survey !== c.id) showSurvey();
    } else {
      delete chips.dataset.survey;
      showActions();
    }
  }

  function addMessage(m) {
    if (rendered.has(m.seq)) return;
    const element = bubble(h, m, { mine: m.sender === "customer" });
    const placeholder = m.clientId && pendingBubbles.get(m.clientId);
    if (placeholder) { placeholder.remove(); pendingBubbles.delete(m.clientId); }
    // Keep the log in seq order even if a catch-up arrives after a newer message.
    const later = [...rendered.entries()].filter(([seq]) => seq > m.seq).sort((a, b) => a[0] - b[0])[0];
    if (later) log.insertBefore(element, later[1]); else log.insertBefore(element, log.querySelector(".bubble.pending"));
    rendered.set(m.seq, element);
    log.scrollTop = log.scrollHeight;
    if (m.sender !== "customer") chat.raw({ type: "read", conversationId: m.conversationId, seq: m.seq });
    if (m.sender === "bot" && conversation && conversation.state === "bot" && !chips.querySelector(".bot-rating")) showActions();
  }

  chat.addEventListener("online", () => { status.textContent = "在线"; status.className = "badge ok"; });
  chat.addEventListener("offline", () => { status.textContent = "重新连接中…"; status.className = "badge warn"; });
  chat.addEventListener("ended", () => {
    status.textContent = "已断开"; status.className = "badge warn";
    error.textContent = "登录已失效，请刷新页面重新登录";
    input.disabled = true;
  });
  chat.addEventListener("welcome", (e) => {
    const open = (e.detail.conversations || [])[0];
    if (open) setConversation(open); else if (!conversation) showMenu();
  });
  chat.addEventListener("conversation", (e) => setConversation(e.detail.conversation));
  chat.addEventListener("message", (e) => {
    if (!conversation) setConversation({ id: e.detail.conversationId, state: "bot" });
    addMessage(e.detail.message);
  });
  chat.addEventListener("queue", (e) => {
    banner.hidden = false;
    banner.textContent = queueText(e.detail);
    banner.classList.toggle("warn", e.detail.available === false);
  });
  chat.addEventListener("message_left", () => {
    banner.hidden = true;
    document.dispatchEvent(new CustomEvent("kefu:tickets-changed"));
  });
  chat.addEventListener("typing", (e) => {
    // The customer's own typing comes back too: only the agent's is news.
    if (e.detail.sender !== "agent") return;
    typing.textContent = "客服正在输入…";
    clearTimeout(typing.timer);
    typing.timer = setTimeout(() => { typing.textContent = ""; }, 3000);
  });
  chat.addEventListener("survey", () => { if (conversation && chips.dataset.survey !== conversation.id) showSurvey(); });
  chat.addEventListener("ack", () => { if (error.textContent.includes("自动重发")) error.textContent = ""; });
  chat.addEventListener("error", (e) => {
    const waiting = e.detail.ref && awaiting.get(e.detail.ref);
    if (waiting) {
      awaiting.delete(e.detail.ref);
      waiting.reject(Object.assign(new Error(e.detail.text || "评价失败"), { code: e.detail.code }));
      return;
    }
    error.textContent = e.detail.retrying ? `发送过于频繁，${e.detail.retryAfter || 1} 秒后自动重发` : e.detail.text || "";
    if (e.detail.ref === "leave") chips.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    if (e.detail.clientId && pendingBubbles.has(e.detail.clientId) && !e.detail.retrying) pendingBubbles.get(e.detail.clientId).classList.add("failed");
  });

  // A frame whose answer is `rated` or an error carrying its ref, as a promise for the survey forms.
  const awaiting = new Map(); // ref -> { resolve, reject }
  function rate(fields) {
    const ref = "rate-" + Math.random().toString(36).slice(2);
    return new Promise((resolve, reject) => {
      awaiting.set(ref, { resolve, reject });
      chat.raw({ type: "rate", conversationId: conversation.id, ref, ...fields });
      setTimeout(() => { if (awaiting.delete(ref)) reject(new Error("网络不稳定，请稍后再试")); }, 10000);
    });
  }
  chat.addEventListener("rated", (e) => {
    const waiting = awaiting.get(e.detail.ref);
    if (waiting) { awaiting.delete(e.detail.ref); waiting.resolve(e.detail); }
  });

  function showSurvey() {
    chips.replaceChildren(surveyForm({
      submit: ({ csat, nps, reason, comment }) => rate({ score: csat, nps, reason, comment }),
    }));
    chips.dataset.survey = conversation.id;
  }

  // The bot's own rating, kept apart from agents' CSAT: two buttons while the bot is answering.
  const botRated = new Set();
  function botRating() {
    // After a real answer, not for the greeting alone.
    if (!conversation || botRated.has(conversation.id) || log.querySelectorAll(".bubble.bot").length < 2) return null;
    const box = h("span", { class: "bot-rating" }, "智能客服的回答有帮助吗？");
    const answer = (helpful) => rate({ helpful }).then(() => {
      botRated.add(conversation.id);
      box.replaceChildren("感谢您的反馈！");
    }, (e) => {
      if (e.code === "already_rated") { botRated.add(conversation.id); box.remove(); } else error.textContent = e.message;
    });
    box.append(h("button", { type: "button", onclick: () => answer(true) }, "有帮助"),
      h("button", { type: "button", onclick: () => answer(false) }, "没帮助"));
    return box;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.textContent = "";
    const text = input.value.trim();
    if (!text) return;
    if (!conversation && !starting) { error.textContent = "请先选择咨询类别"; return; }
    const placeholder = bubble(h, { sender: "customer", text, createdAt: new Date().toISOString() }, { mine: true });
    placeholder.classList.add("pending");
    if (conversation) pendingBubbles.set(chat.send(conversation.id, text), placeholder); else early.push({ text, placeholder });
    log.append(placeholder);
    log.scrollTop = log.scrollHeight;
    input.value = "";
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener("input", () => {
    if (conversation && Date.now() - (input.lastTyping || 0) > 2000) {
      input.lastTyping = Date.now();
      chat.raw({ type: "typing", conversationId: conversation.id });
    }
  });
  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    file.value = "";
    if (!chosen || !conversation) return;
    try {
      const uploaded = await uploadAttachment(conversation.id, chosen);
      chat.send(conversation.id, "", uploaded.id);
    } catch (e) {
      error.textContent = e.message;
    }
  });

  chat.connect();
  // A handle for diagnostics and the browser tests, which cut the connection to check the resume.
  window.kefuChat = chat;
  return chat;
}
