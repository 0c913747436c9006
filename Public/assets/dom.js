// Builds elements from data with textContent only: whatever a customer or agent typed is shown, never run.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "class") element.className = value;
    else element.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export const $ = (selector, root = document) => root.querySelector(selector);

// replaceChildren with what h() accepts: a null or false child (an optional part left out) adds
// nothing, where the DOM would write the word "null".
export function fill(target, ...children) {
  target.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false)
    .map((c) => (c instanceof Node ? c : String(c))));
  return target;
}

export function yuan(fen) {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return sign + "¥" + Math.floor(abs / 100) + "." + String(abs % 100).padStart(2, "0");
}

export function dataSize(mb) {
  return mb >= 1024 ? (mb / 1024).toFixed(mb % 1024 === 0 ? 0 : 1) + "GB" : mb + "MB";
}

export function dateTime(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const labels = {
  subscriptionKind: { mobile: "手机", broadband: "宽带", iptv: "IPTV", dedicated_line: "专线", iot: "物联网卡" },
  subscriptionStatus: { active: "正常", suspended_arrears: "欠费停机", suspended_request: "报停", closed: "已销户" },
  billStatus: { paid: "已缴", unpaid: "未缴", overdue: "逾期" },
  deviceKind: { optical_modem: "光猫", set_top_box: "机顶盒" },
  channel: { wechat: "微信", alipay: "支付宝", bank: "银行", counter: "营业厅", card: "充值卡", online: "网上营业厅", app: "App" },
  role: { agent: "客服", team_lead: "班长", qa: "质检", admin: "管理员" },
  vip: ["普通", "银卡", "金卡", "钻石卡"],
  skill: { mobile: "移动", broadband: "宽带", billing: "账务", enterprise: "政企", vip: "VIP" },
};

export function statusBadge(status) {
  const kind = { active: "ok", paid: "ok", suspended_arrears: "bad", overdue: "bad", unpaid: "warn", suspended_request: "warn" }[status] || "";
  const text = labels.subscriptionStatus[status] || labels.billStatus[status] || status;
  return h("span", { class: "badge " + kind }, text);
}

// An error in `target`; with a `form`, each field the server named gets its message beside it (inputs
// say which request field they are with data-field), and `target` keeps only what belongs to no field.
export function showError(target, error, form) {
  if (form) {
    for (const old of form.querySelectorAll(".field-error")) old.remove();
    for (const marked of form.querySelectorAll("[aria-invalid]")) marked.removeAttribute("aria-invalid");
  }
  if (!error) { target.textContent = ""; return; }
  const unplaced = [];
  let placed = 0;
  for (const problem of (form && error.fields) || []) {
    const input = form.querySelector(`[data-field="${CSS.escape(problem.field)}"]`);
    if (!input) { unplaced.push(problem.message); continue; }
    input.setAttribute("aria-invalid", "true");
    (input.closest("label") || input).insertAdjacentElement("afterend", h("div", { class: "field-error" }, problem.message));
    placed += 1;
  }
  target.textContent = unplaced.length ? unplaced.join("；") : placed ? "请按提示修改标出的项目" : error.message || String(error);
}

/// An instant as the API reads it: ISO 8601 in UTC, whole seconds (the server's decoder takes no fractions).
export function isoInstant(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
