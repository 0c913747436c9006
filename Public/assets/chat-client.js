// The chat connection both pages use: reconnects by itself, resumes each conversation from the last
// sequence number seen, resends what was not acknowledged, and hands each message over once, in order.
export class ChatConnection extends EventTarget {
  constructor({ storageKey }) {
    super();
    this.storageKey = storageKey;
    this.lastSeq = new Map();      // conversationId -> highest seq handed over
    this.pending = new Map();      // clientId -> frame, until acknowledged
    this.known = new Set();        // conversations to resume after a reconnect
    this.delay = 500;
    this.socket = null;
    this.closedByUs = false;
    this.load();
  }

  // Unacknowledged messages survive a reload and are resent; the seen sequence numbers live as long
  // as the page, so a fresh page shows the whole history and a reconnect fetches only what it missed.
  load() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.storageKey) || "{}");
      for (const frame of saved.pending || []) this.pending.set(frame.clientId, frame);
    } catch { /* a damaged cache loses nothing stored on the server */ }
  }

  save() {
    localStorage.setItem(this.storageKey, JSON.stringify({ pending: [...this.pending.values()] }));
  }

  connect() {
    this.closedByUs = false;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/chat`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.delay = 500;
      this.emit("online", {});
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      this.receive(frame);
    });
    socket.addEventListener("close", (event) => {
      // 1008: the session ended (logout, account disabled, expiry); reconnecting with it cannot work.
      if (event.code === 1008) { this.closedByUs = true; this.emit("ended", {}); return; }
      this.emit("offline", {});
      if (this.closedByUs) return;
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 8000);
    });
  }

  close() {
    this.closedByUs = true;
    if (this.socket) this.socket.close();
  }

  receive(frame) {
    switch (frame.type) {
      case "welcome":
        for (const c of frame.conversations || []) this.known.add(c.id);
        for (const id of this.known) this.raw({ type: "subscribe", conversationId: id, lastSeq: this.lastSeq.get(id) || 0 });
        for (const pending of this.pending.values()) this.raw(pending);
        break;
      case "message": {
        const seen = this.lastSeq.get(frame.conversationId) || 0;
        if (frame.seq <= seen) return;
        this.known.add(frame.conversationId);
        this.lastSeq.set(frame.conversationId, frame.seq);
        if (frame.message.clientId) this.pending.delete(frame.message.clientId);
        this.save();
        break;
      }
      case "ack":
        this.pending.delete(frame.clientId);
        this.save();
        break;
      case "error":
        if (frame.clientId && frame.code === "rate_limited" && this.pending.has(frame.clientId)) {
          // Too fast: the same message goes again, by itself, once the wait is over.
          const again = this.pending.get(frame.clientId);
          frame.retrying = true;
          setTimeout(() => { if (this.pending.has(again.clientId)) this.raw(again); }, Math.max(1, frame.retryAfter || 1) * 1000);
        } else if (frame.clientId) {
          // A refused message will not be stored: stop resending it.
          this.pending.delete(frame.clientId);
          this.save();
        }
        break;
      case "conversation":
        this.known.add(frame.conversation.id);
        break;
    }
    this.emit(frame.type, frame);
  }

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  raw(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /// Sends a message; it is kept and resent after reconnects until acknowledged. Returns its clientId.
  /// `{ note: true }` sends an agent's staff-only note, which the customer never receives.
  send(conversationId, text, attachmentId, { note = false } = {}) {
    const clientId = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
    const frame = { type: "send", conversationId, clientId, text };
    if (attachmentId) frame.attachmentId = attachmentId;
    if (note) frame.visibility = "staff";
    this.pending.set(clientId, frame);
    this.save();
    this.raw(frame);
    return clientId;
  }

  forget(conversationId) {
    this.known.delete(conversationId);
    this.lastSeq.delete(conversationId);
    this.save();
  }
}

/// What a staff-only line is, for staff: the bot's summary, a lead's watch, one's own note, or a word
/// from someone else in the chat (a team lead's whisper).
function noteLabel(message, viewerId) {
  if (message.sender === "bot") return "转接摘要 · 仅客服可见";
  if (message.sender === "system") return "班长监控 · 仅员工可见";
  return viewerId && message.senderId && message.senderId !== viewerId ? "悄悄话 · 仅员工可见" : "内部备注 · 仅客服可见";
}

/// One message bubble; text only ever goes in as text. `viewerId`: the staff member reading it.
export function bubble(h, message, { mine, viewerId }) {
  const note = message.visibility === "staff";
  const classes = ["bubble", message.sender, mine ? "mine" : "theirs", note ? "note" : ""].join(" ").trim();
  const parts = [];
  if (note) parts.push(h("div", { class: "note-label" }, noteLabel(message, viewerId)));
  if (message.text) parts.push(h("div", { class: "text" }, message.text));
  if (message.attachmentId) {
    const url = `/api/v1/attachments/${message.attachmentId}`;
    parts.push(message.attachmentMime && message.attachmentMime.startsWith("audio/")
      ? h("audio", { controls: true, src: url, preload: "none" })
      : h("a", { href: url, target: "_blank", rel: "noopener" }, h("img", { src: url, alt: "图片", loading: "lazy" })));
  }
  const time = new Date(message.createdAt);
  parts.push(h("div", { class: "meta" }, `${String(time.getHours()).padStart(2, "0")}:${String(time.getMinutes()).padStart(2, "0")}`));
  return h("div", { class: classes, "data-seq": message.seq }, parts);
}

export async function uploadAttachment(conversationId, file) {
  const response = await fetch(`/api/v1/chat/conversations/${encodeURIComponent(conversationId)}/attachments`, {
    method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/octet-stream" }, body: file,
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data && data.error ? data.error.message : "上传失败");
  return data;
}
