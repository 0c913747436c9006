import { api } from "./api.js";
import { $, h, showError } from "./dom.js";
import { render360 } from "./customer360.js";
import { staffSession } from "./staff-login.js";

let permissions = [];
let query = "";
let cursor = null;

staffSession((who) => {
  permissions = who.permissions;
  $("#desk").hidden = false;
  $("#search").focus();
});

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
      $("#results").append(h("li", { onclick: (e) => open(c.id, e.currentTarget), tabindex: "0", "data-id": c.id },
        h("div", {}, c.name, " ", c.vipLevel > 0 ? h("span", { class: "badge vip" }, "VIP") : null),
        h("div", { class: "hint" }, `${c.contactPhone} · ${c.city}${c.district}`)));
    }
    cursor = page.nextCursor || null;
    $("#more").hidden = !cursor;
  } catch (e) {
    showError($("#search-error"), e);
  }
}

async function open(id, item) {
  for (const li of $("#results").children) li.removeAttribute("aria-current");
  if (item) item.setAttribute("aria-current", "true");
  const target = $("#customer");
  target.replaceChildren(h("div", { class: "card hint" }, "加载中…"));
  try {
    const view = await api("GET", `/api/v1/customers/${encodeURIComponent(id)}/360`);
    const parts = render360(view, { staff: true });
    if (view.customer.masked && permissions.includes("pii.unmask")) parts[0].append(unmaskForm(id));
    target.replaceChildren(...parts);
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
