import { api } from "./api.js";
import { $, h, fill, yuan, dataSize, dateTime, isoInstant, labels, showError } from "./dom.js";
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
  ({ staff: loadStaff, packages: loadPackages, audit: loadAudit, transcripts: loadTranscripts, words: loadWords, replies: loadReplies, outages: loadOutages, webhooks: loadWebhooks, knowledge: loadKnowledge, training: loadTraining })[name]();
}

const panel = (name) => $(`[data-panel="${name}"]`);

// Staff by name and 工号, never by account id: loaded once for the audit log, transcripts and hits.
let staffList = null;
async function staffNames() {
  if (!staffList) staffList = permissions.includes("staff.read") ? await api("GET", "/api/v1/admin/users").catch(() => []) : [];
  return Object.fromEntries(staffList.map((u) => [u.id, `${u.displayName}（${u.agentNo}）`]));
}

function staffPicker(label, names) {
  return h("select", { "aria-label": label }, h("option", { value: "" }, `全部${label}`),
    Object.entries(names).map(([id, name]) => h("option", { value: id }, name)));
}

const targetNames = { customer: "客户档案", conversation: "会话记录", staff: "员工账号", ticket: "工单", package: "套餐", audit: "审计日志",
  article: "知识库文章", bill: "账单", bot: "机器人", forbidden_word: "禁用词", number: "号码", outage: "区域故障", plan_quote: "套餐变更报价",
  quick_reply: "快捷短语", training_phrase: "训练语料", value_added_service: "增值业务", webhook: "Webhook" };

// Who did it, in words: a person by name, a customer or the system by their kind.
function actorText(e, names) {
  if (e.actorKind === "staff") return names[e.actorId] || "员工";
  return { customer: "客户", visitor: "访客", system: "系统" }[e.actorKind] || e.actorKind;
}

// What it was done to: a person by name; other records by kind, the id kept for the tooltip only.
function targetCell(e, names) {
  const kind = targetNames[e.targetType] || e.targetType;
  if (e.targetId === "*") return h("td", {}, `${kind}（查询）`);
  if (e.targetType === "staff" && names[e.targetId]) return h("td", {}, `${kind} · ${names[e.targetId]}`);
  return h("td", { title: e.targetId }, kind);
}

async function loadStaff() {
  const target = panel("staff");
  try {
    const users = await api("GET", "/api/v1/admin/users");
    const table = h("table", {},
      h("thead", {}, h("tr", {}, ["用户名", "姓名", "角色", "工号", "技能组", "自动分配会话", "状态", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, users.map((u) => h("tr", {},
        h("td", {}, u.username), h("td", {}, u.displayName), h("td", {}, labels.role[u.role] || u.role), h("td", {}, u.agentNo),
        h("td", {}, u.skills.map((s) => labels.skill[s] || s).join("、") || "—"),
        h("td", {}, permissions.includes("staff.manage") && !u.disabled
          ? h("label", { class: "toggle" }, h("input", { type: "checkbox", checked: u.autoAssign, "aria-label": `${u.displayName} 自动分配会话`,
              onchange: (e) => setAutoAssign(u, e.currentTarget) }), u.autoAssign ? "是" : "否")
          : (u.autoAssign ? "是" : "否")),
        h("td", {}, h("span", { class: "badge " + (u.disabled ? "bad" : "ok") }, u.disabled ? "已停用" : "正常")),
        h("td", {}, !u.disabled && u.id !== myID && permissions.includes("staff.manage")
          ? h("button", { onclick: () => disable(u) }, "停用") : null)))));
    target.replaceChildren(h("div", { class: "card" }, h("h2", {}, "员工账号"), h("div", { class: "scroll" }, table)),
      permissions.includes("staff.manage") ? createForm() : h("p", { class: "hint" }, "你没有管理员工账号的权限。"));
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

async function setAutoAssign(user, box) {
  box.disabled = true;
  try {
    await api("PATCH", `/api/v1/admin/users/${encodeURIComponent(user.id)}`, { autoAssign: box.checked });
  } catch (e) {
    alert(e.message);
  }
  loadStaff();
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
  const autoAssign = h("input", { type: "checkbox", id: "new-auto-assign", checked: true });
  const form = h("form", { class: "card stack" }, h("h2", {}, "新增员工"),
    h("div", { class: "grid" },
      field("new-username", "用户名", { autocomplete: "off", "data-field": "username" }), field("new-name", "姓名", { "data-field": "displayName" }),
      field("new-agent-no", "工号", { "data-field": "agentNo" }),
      field("new-password", "初始密码（至少10位）", { type: "password", autocomplete: "new-password", "data-field": "password" }),
      h("div", {}, h("label", { for: "new-role" }, "角色"), role)),
    h("fieldset", { class: "choices" }, h("legend", {}, "技能组"), skills.map((s) =>
      h("label", {}, h("input", { type: "checkbox", value: s, name: "skill" }), labels.skill[s]))),
    h("label", {}, autoAssign, " 自动分配会话（客服默认开启；班长、管理员开启后也会自动接到排队的会话）"),
    h("button", { class: "primary", type: "submit" }, "创建账号"), error);
  role.addEventListener("change", () => { autoAssign.checked = role.value === "agent"; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null, form);
    try {
      await api("POST", "/api/v1/admin/users", {
        username: $("#new-username").value.trim(), displayName: $("#new-name").value.trim(),
        agentNo: $("#new-agent-no").value.trim(), password: $("#new-password").value, role: role.value,
        skills: [...form.querySelectorAll("input[name=skill]:checked")].map((c) => c.value), autoAssign: autoAssign.checked,
      });
      loadStaff();
    } catch (e) {
      showError(error, e, form);
    }
  });
  return form;
}

const categoryNames = { mobile_4g: "4G", mobile_5g: "5G", unlimited: "冰激凌", family: "融合", broadband: "宽带", iptv: "IPTV", enterprise_line: "专线", iot: "物联网" };

async function loadPackages() {
  const target = panel("packages");
  try {
    const packages = await api("GET", "/api/v1/packages");
    const manage = permissions.includes("catalog.manage");
    const editor = h("div");
    const table = h("table", { class: "cards-on-phone" },
      h("thead", {}, h("tr", {}, ["编码", "名称", "类别", "月费", "流量", "通话", "带宽", "权益", "状态"].map((t) => h("th", {}, t)))),
      h("tbody", {}, packages.map((p) => h("tr", { onclick: manage ? () => editPackage(p, editor) : null, style: manage ? "cursor: pointer" : null },
        h("td", { "data-label": "编码" }, p.code), h("td", { "data-label": "名称" }, p.name),
        h("td", { "data-label": "类别" }, categoryNames[p.category] || p.category),
        h("td", { "data-label": "月费", class: "num money" }, yuan(p.monthlyFeeFen)),
        h("td", { "data-label": "流量", class: "num" }, p.dataMB ? dataSize(p.dataMB) : "—"),
        h("td", { "data-label": "通话", class: "num" }, p.voiceMinutes ? p.voiceMinutes + "分钟" : "—"),
        h("td", { "data-label": "带宽", class: "num" }, p.bandwidthMbps ? p.bandwidthMbps + "M" : "—"),
        h("td", { "data-label": "权益" }, p.benefits.join("、") || "—"),
        h("td", { "data-label": "状态" }, h("span", { class: "badge " + (p.active ? "ok" : "") }, p.active ? "在售" : "停售"))))));
    target.replaceChildren(h("div", { class: "card" },
      h("div", { class: "row", style: "align-items: center" }, h("h2", { style: "margin: 0" }, `套餐目录（${packages.length}）`),
        manage ? h("button", { onclick: () => editPackage(null, editor) }, "新增套餐") : null),
      manage ? h("p", { class: "hint" }, "点击一行修改套餐；修改后的资费在下一次出账时生效。") : null,
      h("div", { class: "scroll" }, table)), editor);
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

function editPackage(p, target) {
  const field = (id, label, attrs = {}) => h("div", {}, h("label", { for: id }, label), h("input", { id, ...attrs }));
  const fen = (value) => (value / 100).toFixed(2);
  const category = h("select", { id: "pkg-category" }, Object.entries(categoryNames).map(([v, t]) => h("option", { value: v, selected: p?.category === v }, t)));
  const shared = h("input", { type: "checkbox", id: "pkg-shared", checked: p?.sharedData || false });
  const active = h("input", { type: "checkbox", id: "pkg-active", checked: p ? p.active : true });
  const error = h("div", { class: "error", role: "alert" });
  const form = h("form", { class: "card stack", novalidate: true }, h("h2", {}, p ? `修改套餐 ${p.code}` : "新增套餐"),
    h("div", { class: "grid" },
      field("pkg-code", "编码", { value: p?.code || "", maxlength: "32", readonly: p ? true : null }),
      field("pkg-name", "名称", { value: p?.name || "", maxlength: "40" }),
      h("div", {}, h("label", { for: "pkg-category" }, "类别"), category),
      field("pkg-fee", "月费（元）", { value: p ? fen(p.monthlyFeeFen) : "", inputmode: "decimal" }),
      field("pkg-data", "流量（MB）", { value: p?.dataMB ?? 0, inputmode: "numeric" }),
      field("pkg-voice", "通话（分钟）", { value: p?.voiceMinutes ?? 0, inputmode: "numeric" }),
      field("pkg-sms", "短信（条）", { value: p?.smsCount ?? 0, inputmode: "numeric" }),
      field("pkg-bandwidth", "带宽（Mbps）", { value: p?.bandwidthMbps ?? 0, inputmode: "numeric" }),
      field("pkg-lines", "最多号码数", { value: p?.maxLines ?? 1, inputmode: "numeric" }),
      field("pkg-data-over", "超出流量（元/GB）", { value: p ? fen(p.dataOverageFenPerGB) : "3.00", inputmode: "decimal" }),
      field("pkg-voice-over", "超出通话（元/分钟）", { value: p ? fen(p.voiceOverageFenPerMinute) : "0.15", inputmode: "decimal" }),
      field("pkg-sms-over", "超出短信（元/条）", { value: p ? fen(p.smsOverageFen) : "0.10", inputmode: "decimal" })),
    field("pkg-benefits", "权益（用逗号分隔）", { value: (p?.benefits || []).join("，") }),
    h("label", { class: "check" }, shared, " 家庭共享流量"), h("label", { class: "check" }, active, " 在售"),
    h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, "保存"), h("button", { type: "button", onclick: () => target.replaceChildren() }, "取消")),
    error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    const value = (id) => form.querySelector("#" + id).value.trim();
    const toFen = (id) => {
      const text = value(id);
      if (!/^\d+(\.\d{1,2})?$/.test(text)) throw new Error(`${form.querySelector(`label[for=${id}]`).textContent}：请输入金额，最多两位小数`);
      const [yuanPart, centPart = ""] = text.split(".");
      return Number(yuanPart) * 100 + Number((centPart + "00").slice(0, 2));
    };
    const whole = (id) => {
      const text = value(id);
      if (!/^\d+$/.test(text)) throw new Error(`${form.querySelector(`label[for=${id}]`).textContent}：请输入整数`);
      return Number(text);
    };
    let body;
    try {
      body = {
        code: value("pkg-code"), name: value("pkg-name"), category: category.value, monthlyFeeFen: toFen("pkg-fee"),
        dataMB: whole("pkg-data"), voiceMinutes: whole("pkg-voice"), smsCount: whole("pkg-sms"), bandwidthMbps: whole("pkg-bandwidth"),
        sharedData: shared.checked, maxLines: whole("pkg-lines"),
        benefits: value("pkg-benefits").split(/[,，、]/).map((b) => b.trim()).filter(Boolean),
        dataOverageFenPerGB: toFen("pkg-data-over"), voiceOverageFenPerMinute: toFen("pkg-voice-over"), smsOverageFen: toFen("pkg-sms-over"),
        active: active.checked,
      };
    } catch (e) {
      return showError(error, e);
    }
    try {
      if (p) await api("PUT", `/api/v1/admin/packages/${encodeURIComponent(p.code)}`, body);
      else await api("POST", "/api/v1/admin/packages", body);
      loadPackages();
    } catch (e) {
      showError(error, e);
    }
  });
  target.replaceChildren(form);
  form.scrollIntoView({ behavior: "smooth", block: "start" });
}

async function loadAudit() {
  const target = panel("audit");
  if (!permissions.includes("audit.read")) {
    target.replaceChildren(h("p", { class: "card hint" }, "你没有查看审计日志的权限。"));
    return;
  }
  const action = h("input", { placeholder: "操作，如 pii.unmask", maxlength: "64" });
  const names = await staffNames();
  const actor = staffPicker("操作人", names);
  const body = h("tbody");
  const error = h("div", { class: "error", role: "alert" });
  const load = async () => {
    showError(error, null);
    const params = new URLSearchParams({ limit: "200" });
    if (action.value.trim()) params.set("action", action.value.trim());
    if (actor.value) params.set("actorId", actor.value);
    try {
      const entries = await api("GET", "/api/v1/audit?" + params);
      body.replaceChildren(...entries.map((e) => h("tr", {},
        h("td", {}, dateTime(e.at)), h("td", {}, actorText(e, names)), h("td", {}, e.action), targetCell(e, names),
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
  const names = await staffNames();
  const agent = staffPicker("客服", names);
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
    if (agent.value) params.set("agentId", agent.value);
    if (since.value) params.set("since", isoInstant(new Date(since.value + "T00:00:00+08:00")));
    if (until.value) params.set("until", isoInstant(new Date(until.value + "T24:00:00+08:00")));
    try {
      const found = await api("GET", "/api/v1/transcripts?" + params);
      list.replaceChildren(...(found.length ? found.map((c) => h("li", { onclick: () => open(c.id, c), tabindex: "0" },
        h("div", {}, `${dateTime(c.createdAt)} · ${c.visitorName} · ${labels.skill[c.skill] || c.skill}`),
        h("div", { class: "hint" }, `${stateNames[c.state] || c.state} · ${c.lastSeq} 条消息${c.agentId ? " · " + (names[c.agentId] || "客服") : ""}`)))
        : [h("li", { class: "hint" }, "没有符合条件的会话")]));
    } catch (e) {
      showError(error, e);
    }
  };
  const open = async (id, c) => {
    try {
      const transcript = await api("GET", `/api/v1/transcripts/${encodeURIComponent(id)}`);
      detail.replaceChildren(h("div", { class: "card" },
        h("div", { class: "row", style: "align-items: center" }, h("h2", { style: "margin: 0" }, `会话记录 · ${c.visitorName} · ${dateTime(c.createdAt)}`),
          h("a", { href: `/api/v1/transcripts/${encodeURIComponent(id)}?format=text`, download: `${id}.txt` }, "导出文本")),
        h("table", {}, h("tbody", {}, transcript.messages.map((m) => h("tr", {},
          h("td", { class: "num" }, "#" + m.seq), h("td", {}, dateTime(m.createdAt)), h("td", {}, m.sender === "agent" && names[m.senderId] ? names[m.senderId] : senderNames[m.sender] || m.sender),
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
    const names = await staffNames();
    fill(target,
      h("div", { class: "card" }, h("h2", {}, "禁用词"),
        h("table", {}, h("thead", {}, h("tr", {}, ["禁用词", "建议说法", ""].map((t) => h("th", {}, t)))),
          h("tbody", {}, words.map((w) => h("tr", {}, h("td", {}, w.word), h("td", {}, w.suggestion),
            h("td", {}, manage ? h("button", { onclick: async () => { await api("DELETE", `/api/v1/admin/forbidden-words/${w.id}`).catch((e) => alert(e.message)); loadWords(); } }, "删除") : null))))),
        manage ? [h("h3", {}, "添加禁用词"), form, error] : null),
      permissions.includes("audit.read") ? h("div", { class: "card" }, h("h2", {}, "最近拦截"),
        hits.length === 0 ? h("p", { class: "hint" }, "暂无拦截记录") :
          h("table", {}, h("tbody", {}, hits.map((hit) => h("tr", {}, h("td", {}, dateTime(hit.at)), h("td", {}, names[hit.agentId] || "客服"), h("td", {}, hit.word), h("td", {}, hit.text)))))) : null);
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

// ---- regional fault library -----------------------------------------------------------------

const serviceNames = { broadband: "宽带", mobile: "手机", iptv: "IPTV" };

async function loadOutages() {
  const target = panel("outages");
  try {
    const outages = await api("GET", "/api/v1/outages");
    const manage = permissions.includes("outage.manage");
    const table = h("table", { class: "cards-on-phone" },
      h("thead", {}, h("tr", {}, ["区域", "业务", "说明", "开始", "预计恢复", "工单", "状态", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, outages.map((o) => h("tr", {},
        h("td", { "data-label": "区域" }, o.city + o.district), h("td", { "data-label": "业务" }, serviceNames[o.service] || o.service),
        h("td", { "data-label": "说明" }, o.title, o.source === "detected" ? h("span", { class: "badge bad" }, "自动识别") : null),
        h("td", { "data-label": "开始" }, dateTime(o.startedAt)), h("td", { "data-label": "预计恢复" }, o.eta ? dateTime(o.eta) : "待定"),
        h("td", { "data-label": "工单", class: "num" }, h("a", { href: "/tickets/?outage=" + encodeURIComponent(o.id) }, String(o.ticketCount))),
        h("td", { "data-label": "状态" }, h("span", { class: "badge " + (o.status === "active" ? "bad" : "ok") }, o.status === "active" ? "处理中" : "已恢复")),
        h("td", {}, manage && o.status === "active" ? h("div", { class: "actions" },
          h("button", { onclick: () => setOutageEta(o) }, "预计恢复"), h("button", { onclick: () => resolveOutage(o) }, "标记恢复")) : null)))));
    target.replaceChildren(h("div", { class: "card" }, h("h2", {}, "区域故障库"),
      outages.length ? h("div", { class: "scroll" }, table) : h("p", { class: "hint" }, "目前没有登记的区域故障。")),
      manage ? outageForm() : h("p", { class: "hint" }, "你没有登记区域故障的权限。"));
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

// Detected incidents start without an ETA; the lead who learns it from the field sets it here, and the
// bot tells customers of the district the new time at once.
async function setOutageEta(outage) {
  const answer = prompt(`${outage.district} 预计恢复时间（如 2026-11-28 18:30）`, outage.eta ? dateTime(outage.eta) : "");
  if (!answer) return;
  const eta = new Date(answer.trim().replace(" ", "T"));
  if (Number.isNaN(eta.getTime())) return alert("时间格式应为 YYYY-MM-DD HH:MM");
  await api("POST", `/api/v1/outages/${encodeURIComponent(outage.id)}`, { eta: isoInstant(eta) }).catch((e) => alert(e.message));
  loadOutages();
}

async function resolveOutage(outage) {
  if (!confirm(`确认 ${outage.district} 的故障已恢复？`)) return;
  await api("POST", `/api/v1/outages/${encodeURIComponent(outage.id)}`, { resolve: true }).catch((e) => alert(e.message));
  loadOutages();
}

function outageForm() {
  const district = h("input", { id: "out-district", maxlength: "40", placeholder: "如：西湖区" });
  const service = h("select", { id: "out-service" }, Object.entries(serviceNames).map(([v, t]) => h("option", { value: v }, t)));
  const title = h("input", { id: "out-title", maxlength: "200", placeholder: "如：文三路光缆被挖断" });
  const eta = h("input", { id: "out-eta", type: "datetime-local" });
  const error = h("div", { class: "error", role: "alert" });
  const form = h("form", { class: "card stack" }, h("h2", {}, "登记区域故障"),
    h("div", { class: "grid" },
      h("div", {}, h("label", { for: "out-district" }, "区县"), district), h("div", {}, h("label", { for: "out-service" }, "业务"), service),
      h("div", {}, h("label", { for: "out-title" }, "故障说明"), title), h("div", {}, h("label", { for: "out-eta" }, "预计恢复时间"), eta)),
    h("p", { class: "hint" }, "登记后，该区县新提交的同类故障工单会自动关联为 P0，机器人会告知客户故障与预计恢复时间。"),
    h("button", { class: "primary", type: "submit" }, "登记"), error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    const body = { district: district.value.trim(), service: service.value, title: title.value.trim() };
    if (eta.value) body.eta = isoInstant(new Date(eta.value));
    try {
      await api("POST", "/api/v1/outages", body);
      loadOutages();
    } catch (e) {
      showError(error, e);
    }
  });
  return form;
}

// ---- webhooks -------------------------------------------------------------------------------

const eventTypes = ["ticket.created", "ticket.assigned", "ticket.status_changed", "ticket.transferred", "ticket.escalated",
  "ticket.commented", "ticket.priority_changed", "ticket.outage_linked", "ticket.sla_warning", "ticket.sla_breached",
  "ticket.follow_up_due", "ticket.reopened", "incident.opened", "outage.declared", "outage.resolved"];

async function loadWebhooks() {
  const target = panel("webhooks");
  if (!permissions.includes("webhook.manage")) {
    target.replaceChildren(h("p", { class: "card hint" }, "你没有管理 Webhook 的权限。"));
    return;
  }
  try {
    const hooks = await api("GET", "/api/v1/webhooks");
    const log = h("div");
    const table = h("table", { class: "cards-on-phone" },
      h("thead", {}, h("tr", {}, ["地址", "事件", "状态", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, hooks.map((w) => h("tr", {},
        h("td", { "data-label": "地址" }, w.url), h("td", { "data-label": "事件" }, w.events.join(", ")),
        h("td", { "data-label": "状态" }, h("span", { class: "badge " + (w.active ? "ok" : "") }, w.active ? "启用" : "已停用")),
        h("td", {}, h("button", { onclick: () => showDeliveries(w, log) }, "投递记录"), " ",
          w.active ? h("button", { onclick: () => stopWebhook(w) }, "停用") : null)))));
    target.replaceChildren(h("div", { class: "card" }, h("h2", {}, "Webhook 订阅"),
      hooks.length ? h("div", { class: "scroll" }, table) : h("p", { class: "hint" }, "还没有订阅。"), log), webhookForm());
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

async function showDeliveries(hook, target) {
  try {
    const rows = await api("GET", `/api/v1/webhooks/${encodeURIComponent(hook.id)}/deliveries`);
    const badge = { delivered: "ok", failed: "bad", pending: "warn", cancelled: "" };
    const names = { delivered: "已送达", failed: "失败", pending: "待重试", cancelled: "已取消" };
    target.replaceChildren(h("h3", {}, "投递记录（最近 100 条）"), rows.length ? h("table", { class: "cards-on-phone" },
      h("thead", {}, h("tr", {}, ["时间", "事件", "状态", "尝试", "最近结果"].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows.map((d) => h("tr", {},
        h("td", { "data-label": "时间" }, dateTime(d.createdAt)), h("td", { "data-label": "事件" }, d.eventType),
        h("td", { "data-label": "状态" }, h("span", { class: "badge " + badge[d.status] }, names[d.status] || d.status)),
        h("td", { "data-label": "尝试", class: "num" }, String(d.attempts)),
        h("td", { "data-label": "最近结果" }, d.lastStatusCode ? "HTTP " + d.lastStatusCode : d.lastError || "—"))))) : h("p", { class: "hint" }, "还没有投递。"));
  } catch (e) {
    target.replaceChildren(h("p", { class: "error" }, e.message));
  }
}

async function stopWebhook(hook) {
  if (!confirm(`停用 ${hook.url}？未投递的事件将取消。`)) return;
  await api("DELETE", `/api/v1/webhooks/${encodeURIComponent(hook.id)}`).catch((e) => alert(e.message));
  loadWebhooks();
}

function webhookForm() {
  const url = h("input", { id: "hook-url", maxlength: "500", placeholder: "https://example.com/kefu-events" });
  const boxes = eventTypes.map((e) => h("label", {}, h("input", { type: "checkbox", value: e, checked: e === "ticket.created" }), e));
  const error = h("div", { class: "error", role: "alert" });
  const secret = h("div");
  const form = h("form", { class: "card stack" }, h("h2", {}, "新增订阅"),
    h("div", {}, h("label", { for: "hook-url" }, "接收地址"), url),
    h("fieldset", { class: "choices" }, h("legend", {}, "事件"), boxes),
    h("p", { class: "hint" }, "每次投递带 X-Kefu-Signature: sha256=HMAC(密钥, 时间戳 + \".\" + 请求体)，失败按 10 秒起倍增重试，最多 8 次。"),
    h("button", { class: "primary", type: "submit" }, "创建"), error, secret);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    const events = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
    try {
      const created = await api("POST", "/api/v1/webhooks", { url: url.value.trim(), events });
      await loadWebhooks();
      panel("webhooks").append(h("div", { class: "card warn-box", role: "status" }, "签名密钥（只显示这一次，请妥善保存）：", h("code", {}, created.secret)));
    } catch (e) {
      showError(error, e);
    }
  });
  return form;
}

// ---- the bot's knowledge --------------------------------------------------------------------

let intentList = null;
async function intents() {
  intentList = intentList || await api("GET", "/api/v1/bot/intents");
  return intentList;
}

async function loadKnowledge() {
  const target = panel("knowledge");
  if (!permissions.includes("bot.manage")) return target.replaceChildren(h("p", { class: "card hint" }, "你没有维护知识库的权限。"));
  try {
    const [all, articles] = await Promise.all([intents(), api("GET", "/api/v1/bot/articles")]);
    const names = Object.fromEntries(all.map((i) => [i.id, i.name]));
    const editor = h("div");
    const list = h("ul", { class: "list" }, articles.map((a) => h("li", { onclick: () => editArticle(a, all, editor), tabindex: "0" },
      h("div", {}, h("strong", {}, a.title), " ", h("span", { class: "badge" }, names[a.intent] || a.intent)),
      h("div", { class: "hint" }, a.answer))));
    target.replaceChildren(h("div", { class: "desk" },
      h("div", { class: "card" }, h("div", { class: "row", style: "align-items: center" }, h("h2", { style: "margin: 0" }, `知识库文章（${articles.length}）`),
        h("button", { onclick: () => editArticle(null, all, editor) }, "新增文章")), list),
      editor));
    editArticle(null, all, editor);
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}

function editArticle(article, all, target) {
  const intent = h("select", { id: "art-intent" }, all.map((i) => h("option", { value: i.id, selected: article?.intent === i.id }, i.name)));
  const title = h("input", { id: "art-title", maxlength: "60", value: article?.title || "" });
  const answer = h("textarea", { id: "art-answer", rows: "2", maxlength: "1000" });
  answer.value = article?.answer || "";
  const steps = h("textarea", { id: "art-steps", rows: "5", placeholder: "每行一步" });
  steps.value = (article?.steps || []).join("\n");
  const keywords = h("input", { id: "art-keywords", value: (article?.keywords || []).join("，"), placeholder: "用逗号分隔，如：断网，光猫" });
  const error = h("div", { class: "error", role: "alert" });
  const form = h("form", { class: "card stack" }, h("h2", {}, article ? "编辑文章" : "新增文章"),
    h("div", {}, h("label", { for: "art-intent" }, "意图"), intent), h("div", {}, h("label", { for: "art-title" }, "标题"), title),
    h("div", {}, h("label", { for: "art-answer" }, "答复"), answer), h("div", {}, h("label", { for: "art-steps" }, "步骤"), steps),
    h("div", {}, h("label", { for: "art-keywords" }, "关键词"), keywords),
    h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, "保存"),
      article ? h("button", { type: "button", onclick: async () => {
        if (!confirm(`删除文章“${article.title}”？`)) return;
        await api("DELETE", `/api/v1/bot/articles/${encodeURIComponent(article.id)}`).catch((e) => alert(e.message));
        loadKnowledge();
      } }, "删除") : null),
    error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    const body = {
      intent: intent.value, title: title.value.trim(), answer: answer.value.trim(),
      steps: steps.value.split("\n").map((s) => s.trim()).filter(Boolean),
      keywords: keywords.value.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean),
    };
    try {
      if (article) await api("PUT", `/api/v1/bot/articles/${encodeURIComponent(article.id)}`, body);
      else await api("POST", "/api/v1/bot/articles", body);
      intentList = null;
      loadKnowledge();
    } catch (e) {
      showError(error, e);
    }
  });
  target.replaceChildren(form);
}

async function loadTraining(selected) {
  const target = panel("training");
  if (!permissions.includes("bot.manage")) return target.replaceChildren(h("p", { class: "card hint" }, "你没有维护训练语料的权限。"));
  try {
    intentList = null;
    const all = await intents();
    const current = typeof selected === "string" ? selected : all[0].id;
    const phrases = await api("GET", `/api/v1/bot/training-phrases?intent=${encodeURIComponent(current)}&limit=1000`);
    const picker = h("select", { id: "tr-intent", "aria-label": "意图" }, all.map((i) => h("option", { value: i.id, selected: i.id === current }, `${i.name}（${i.phrases}）`)));
    picker.addEventListener("change", () => loadTraining(picker.value));
    const text = h("input", { id: "tr-text", maxlength: "200", placeholder: "客户会怎么说，如：家里wifi连不上了" });
    const error = h("div", { class: "error", role: "alert" });
    const status = h("p", { class: "hint", role: "status" });
    const add = h("form", { class: "row" }, text, h("button", { class: "primary", type: "submit" }, "添加"));
    add.addEventListener("submit", async (event) => {
      event.preventDefault();
      showError(error, null);
      try {
        await api("POST", "/api/v1/bot/training-phrases", { text: text.value.trim(), intent: picker.value });
        loadTraining(picker.value);
      } catch (e) {
        showError(error, e);
      }
    });
    const retrain = h("button", { onclick: async () => {
      retrain.disabled = true;
      try {
        const r = await api("POST", "/api/v1/bot/retrain");
        status.textContent = `已重新训练：${r.phrases} 条语料，${r.intents} 个意图，用时 ${r.trainingMilliseconds.toFixed(0)} 毫秒，立即生效。`;
      } catch (e) {
        showError(error, e);
      } finally {
        retrain.disabled = false;
      }
    } }, "重新训练");
    const table = h("table", { class: "cards-on-phone" },
      h("thead", {}, h("tr", {}, ["语料", "来源", "添加时间", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, phrases.map((p) => h("tr", {},
        h("td", { "data-label": "语料" }, p.text), h("td", { "data-label": "来源" }, p.source === "admin" ? "管理员" : "项目内置"),
        h("td", { "data-label": "添加时间" }, dateTime(p.createdAt)),
        h("td", {}, h("button", { onclick: async () => {
          await api("DELETE", `/api/v1/bot/training-phrases/${encodeURIComponent(p.id)}`).catch((e) => alert(e.message));
          loadTraining(picker.value);
        } }, "删除"))))));
    target.replaceChildren(h("div", { class: "card stack", "data-intent": current },
      h("div", { class: "row", style: "align-items: center" }, h("h2", { style: "margin: 0" }, "训练语料"), retrain),
      h("p", { class: "hint" }, "按意图维护机器人的训练语料。添加或删除后点击“重新训练”即时生效，无需重启；其他节点会在几秒内自动同步。"),
      h("div", {}, h("label", { for: "tr-intent" }, "意图"), picker), add, error, status,
      h("div", { class: "scroll" }, table)));
  } catch (e) {
    target.replaceChildren(h("div", { class: "card error" }, e.message));
  }
}
