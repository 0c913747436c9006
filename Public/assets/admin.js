import { api } from "./api.js";
import { $, h, yuan, dataSize, dateTime, labels, showError } from "./dom.js";
import { staffSession } from "./staff-login.js";

let permissions = [];
let myID = null;

staffSession((who) => {
  permissions = who.permissions;
  myID = who.id;
  $("#console").hidden = false;
  show("staff");
});

for (const tab of document.querySelectorAll("[data-tab]")) {
  tab.addEventListener("click", () => show(tab.dataset.tab));
}

function show(name) {
  for (const tab of document.querySelectorAll("[data-tab]")) tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
  for (const panel of document.querySelectorAll("[data-panel]")) panel.hidden = panel.dataset.panel !== name;
  ({ staff: loadStaff, packages: loadPackages, audit: loadAudit, transcripts: loadTranscripts, words: loadWords, replies: loadReplies })[name]();
}

const panel = (name) => $(`[data-panel="${name}"]`);

async function loadStaff() {
  const target = panel("staff");
  try {
    const users = await api("GET", "/api/v1/admin/users");
    const table = h("table", {},
      h("thead", {}, h("tr", {}, ["用户名", "姓名", "角色", "工号", "技能组", "状态", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, users.map((u) => h("tr", {},
        h("td", {}, u.username), h("td", {}, u.displayName), h("td", {}, labels.role[u.role] || u.role), h("td", {}, u.agentNo),
        h("td", {}, u.skills.map((s) => labels.skill[s] || s).join("、") || "—"),
        h("td", {}, h("span", { class: "badge " + (u.disabled ? "bad" : "ok") }, u.disabled ? "已停用" : "正常")),
        h("td", {}, !u.disabled && u.id !== myID && permissions.includes("staff.manage")
          ? h("button", { onclick: () => disable(u) }, "停用") : null)))));
    target.replaceChildren(h("div", { class: "card" }, h("h2", {}, "员工账号"), h("div", { class: "scroll" }, table)),
      permissions.includes("staff.manage") ? createForm() : h("p", { class: "hint" }, "你没有管理员工账号的权限。"));
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

async function disable(user) {
  if (!confirm(`停用 ${user.displayName}（${user.username}）？其登录会话将立即失效。`)) return;
  await api("POST", `/api/v1/admin/users/${encodeURIComponent(user.id)}/disable`).catch((e) => alert(e.message));
  loadStaff();
}

function createForm() {
  const field = (id, label, attrs = {}) => h("div", {}, h("label", { for: id }, label), h("input", { id, ...attrs }));
  const role = h("select", { id: "new-role" }, Object.entries(labels.role).map(([value, text]) => h("option", { value }, text)));
  const skills = ["mobile", "broadband", "billing", "enterprise", "vip"];
  const error = h("div", { class: "error", role: "alert" });
  const form = h("form", { class: "card stack" }, h("h2", {}, "新增员工"),
    h("div", { class: "grid" },
      field("new-username", "用户名", { autocomplete: "off" }), field("new-name", "姓名"),
      field("new-agent-no", "工号"), field("new-password", "初始密码（至少10位）", { type: "password", autocomplete: "new-password" }),
      h("div", {}, h("label", { for: "new-role" }, "角色"), role)),
    h("fieldset", { class: "choices" }, h("legend", {}, "技能组"), skills.map((s) =>
      h("label", {}, h("input", { type: "checkbox", value: s }), labels.skill[s]))),
    h("button", { class: "primary", type: "submit" }, "创建账号"), error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    try {
      await api("POST", "/api/v1/admin/users", {
        username: $("#new-username").value.trim(), displayName: $("#new-name").value.trim(),
        agentNo: $("#new-agent-no").value.trim(), password: $("#new-password").value, role: role.value,
        skills: [...form.querySelectorAll("input[type=checkbox]:checked")].map((c) => c.value),
      });
      loadStaff();
    } catch (e) {
      showError(error, e);
    }
  });
  return form;
}

async function loadPackages() {
  const target = panel("packages");
  try {
    const packages = await api("GET", "/api/v1/packages");
    target.replaceChildren(h("div", { class: "card" }, h("h2", {}, `套餐目录（${packages.length}）`), h("div", { class: "scroll" }, h("table", {},
      h("thead", {}, h("tr", {}, ["编码", "名称", "月费", "流量", "通话", "带宽", "权益"].map((t) => h("th", {}, t)))),
      h("tbody", {}, packages.map((p) => h("tr", {},
        h("td", {}, p.code), h("td", {}, p.name), h("td", { class: "num money" }, yuan(p.monthlyFeeFen)),
        h("td", { class: "num" }, p.dataMB ? dataSize(p.dataMB) : "—"), h("td", { class: "num" }, p.voiceMinutes ? p.voiceMinutes + "分钟" : "—"),
        h("td", { class: "num" }, p.bandwidthMbps ? p.bandwidthMbps + "M" : "—"), h("td", {}, p.benefits.join("、")))))))));
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

async function loadAudit() {
  const target = panel("audit");
  if (!permissions.includes("audit.read")) {
    target.replaceChildren(h("p", { class: "card hint" }, "你没有查看审计日志的权限。"));
    return;
  }
  const action = h("input", { placeholder: "操作，如 pii.unmask", maxlength: "64" });
  const actor = h("input", { placeholder: "操作人 ID", maxlength: "64" });
  const body = h("tbody");
  const error = h("div", { class: "error", role: "alert" });
  const load = async () => {
    showError(error, null);
    const params = new URLSearchParams({ limit: "200" });
    if (action.value.trim()) params.set("action", action.value.trim());
    if (actor.value.trim()) params.set("actorId", actor.value.trim());
    try {
      const entries = await api("GET", "/api/v1/audit?" + params);
      body.replaceChildren(...entries.map((e) => h("tr", {},
        h("td", {}, dateTime(e.at)), h("td", {}, e.actorId), h("td", {}, e.action), h("td", {}, `${e.targetType}:${e.targetId}`),
        h("td", {}, e.reason || ""), h("td", {}, e.clientAddress || ""))));
    } catch (e) {
      showError(error, e);
    }
  };
  const form = h("form", { class: "row" }, action, actor, h("button", { class: "primary", type: "submit" }, "筛选"));
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  target.replaceChildren(h("div", { class: "card" }, h("h2", {}, "审计日志"), form, error,
    h("div", { class: "scroll" }, h("table", {}, h("thead", {}, h("tr", {}, ["时间", "操作人", "操作", "对象", "原因", "地址"].map((t) => h("th", {}, t)))), body))));
  load();
}

const senderNames = { customer: "客户", agent: "客服", bot: "机器人", system: "系统" };
const stateNames = { bot: "机器人", queued: "排队中", assigned: "接待中", resolved: "已结束", closed: "已关闭" };

async function loadTranscripts() {
  const target = panel("transcripts");
  const phone = h("input", { placeholder: "手机号", maxlength: "20", inputmode: "numeric" });
  const keyword = h("input", { placeholder: "关键词", maxlength: "100" });
  const agent = h("input", { placeholder: "客服 ID，如 staff-agent1", maxlength: "64" });
  const since = h("input", { type: "date", "aria-label": "开始日期" });
  const until = h("input", { type: "date", "aria-label": "结束日期" });
  const list = h("ul", { class: "list" });
  const detail = h("div");
  const error = h("div", { class: "error", role: "alert" });
  const form = h("form", { class: "grid" }, phone, keyword, agent, since, until, h("button", { class: "primary", type: "submit" }, "查询"));
  const search = async () => {
    showError(error, null);
    const params = new URLSearchParams({ limit: "100" });
    if (phone.value.trim()) params.set("phone", phone.value.trim());
    if (keyword.value.trim()) params.set("q", keyword.value.trim());
    if (agent.value.trim()) params.set("agentId", agent.value.trim());
    if (since.value) params.set("since", new Date(since.value + "T00:00:00+08:00").toISOString());
    if (until.value) params.set("until", new Date(until.value + "T24:00:00+08:00").toISOString());
    try {
      const found = await api("GET", "/api/v1/transcripts?" + params);
      list.replaceChildren(...(found.length ? found.map((c) => h("li", { onclick: () => open(c.id), tabindex: "0" },
        h("div", {}, `${dateTime(c.createdAt)} · ${c.visitorName} · ${labels.skill[c.skill] || c.skill}`),
        h("div", { class: "hint" }, `${stateNames[c.state] || c.state} · ${c.lastSeq} 条消息${c.agentId ? " · " + c.agentId : ""}`)))
        : [h("li", { class: "hint" }, "没有符合条件的会话")]));
    } catch (e) {
      showError(error, e);
    }
  };
  const open = async (id) => {
    try {
      const transcript = await api("GET", `/api/v1/transcripts/${encodeURIComponent(id)}`);
      detail.replaceChildren(h("div", { class: "card" },
        h("div", { class: "row", style: "align-items: center" }, h("h2", { style: "margin: 0" }, `会话 ${id}`),
          h("a", { href: `/api/v1/transcripts/${encodeURIComponent(id)}?format=text`, download: `${id}.txt` }, "导出文本")),
        h("table", {}, h("tbody", {}, transcript.messages.map((m) => h("tr", {},
          h("td", { class: "num" }, "#" + m.seq), h("td", {}, dateTime(m.createdAt)), h("td", {}, senderNames[m.sender] || m.sender),
          h("td", {}, m.text, m.attachmentId ? h("a", { href: `/api/v1/attachments/${m.attachmentId}`, target: "_blank" }, " [附件]") : null)))))));
    } catch (e) {
      showError(error, e);
    }
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); search(); });
  target.replaceChildren(h("div", { class: "card" }, h("h2", {}, "会话记录"), form, error, list), detail);
  search();
}

async function loadWords() {
  const target = panel("words");
  const manage = permissions.includes("forbidden_words.manage");
  try {
    const words = await api("GET", "/api/v1/forbidden-words");
    const word = h("input", { placeholder: "禁用词", maxlength: "20" });
    const suggestion = h("input", { placeholder: "建议说法", maxlength: "100" });
    const error = h("div", { class: "error", role: "alert" });
    const form = h("form", { class: "row" }, word, suggestion, h("button", { class: "primary", type: "submit" }, "添加"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", "/api/v1/admin/forbidden-words", { word: word.value.trim(), suggestion: suggestion.value.trim() });
        loadWords();
      } catch (e) {
        showError(error, e);
      }
    });
    const hits = permissions.includes("audit.read") ? await api("GET", "/api/v1/forbidden-word-hits?limit=50") : [];
    target.replaceChildren(
      h("div", { class: "card" }, h("h2", {}, "禁用词"),
        h("table", {}, h("thead", {}, h("tr", {}, ["禁用词", "建议说法", ""].map((t) => h("th", {}, t)))),
          h("tbody", {}, words.map((w) => h("tr", {}, h("td", {}, w.word), h("td", {}, w.suggestion),
            h("td", {}, manage ? h("button", { onclick: async () => { await api("DELETE", `/api/v1/admin/forbidden-words/${w.id}`).catch((e) => alert(e.message)); loadWords(); } }, "删除") : null))))),
        manage ? [h("h3", {}, "添加禁用词"), form, error] : null),
      permissions.includes("audit.read") ? h("div", { class: "card" }, h("h2", {}, "最近拦截"),
        hits.length === 0 ? h("p", { class: "hint" }, "暂无拦截记录") :
          h("table", {}, h("tbody", {}, hits.map((hit) => h("tr", {}, h("td", {}, dateTime(hit.at)), h("td", {}, hit.agentId), h("td", {}, hit.word), h("td", {}, hit.text)))))) : null);
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

async function loadReplies() {
  const target = panel("replies");
  if (!permissions.includes("chat.handle")) {
    target.replaceChildren(h("p", { class: "card hint" }, "快捷短语供接待会话的客服使用。"));
    return;
  }
  const team = permissions.includes("team_replies.manage");
  try {
    const replies = await api("GET", "/api/v1/quick-replies");
    const shortcode = h("input", { placeholder: "/hi", maxlength: "20" });
    const text = h("textarea", { placeholder: "您好{客户姓名}，工号{工号}为您服务。", maxlength: "1000", rows: "2" });
    const forTeam = h("input", { type: "checkbox" });
    const error = h("div", { class: "error", role: "alert" });
    const form = h("form", { class: "stack" }, h("div", { class: "row" }, shortcode, text),
      team ? h("label", { style: "display:flex; gap:6px; align-items:center" }, forTeam, "团队共享") : null,
      h("button", { class: "primary", type: "submit" }, "添加"), error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", "/api/v1/quick-replies", { shortcode: shortcode.value.trim(), text: text.value.trim(), team: forTeam.checked });
        loadReplies();
      } catch (e) {
        showError(error, e);
      }
    });
    target.replaceChildren(h("div", { class: "card" }, h("h2", {}, "快捷短语"),
      h("p", { class: "hint" }, "在工作台输入框中键入短语编码（如 /hi）即可插入；{客户姓名}、{工号} 发送时自动替换。"),
      h("table", {}, h("tbody", {}, replies.map((r) => h("tr", {}, h("td", {}, r.shortcode), h("td", {}, r.text),
        h("td", {}, r.ownerId ? "个人" : "团队"),
        h("td", {}, r.ownerId || team ? h("button", { onclick: async () => { await api("DELETE", `/api/v1/quick-replies/${r.id}`).catch((e) => alert(e.message)); loadReplies(); } }, "删除") : null))))),
      h("h3", {}, "添加快捷短语"), form));
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}
