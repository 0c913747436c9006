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
  ({ staff: loadStaff, packages: loadPackages, audit: loadAudit })[name]();
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
