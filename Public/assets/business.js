// Self-service and agent actions on one customer: recharge, plan change with its quote,
// value-added services and recommendations. The same card serves the customer and the agent sidebar.
import { api } from "./api.js";
import { h, yuan, dataSize, labels, showError } from "./dom.js";

export function servicesCard(customerId, view) {
  const body = h("div");
  const tabs = [["recharge", "充值缴费"], ["plan", "套餐变更"], ["vas", "增值业务"], ["recommend", "为您推荐"]];
  const nav = h("nav", { class: "tabs", role: "tablist" }, tabs.map(([key, label]) =>
    h("button", { role: "tab", type: "button", "data-service": key, "aria-selected": String(key === "recharge"), onclick: () => show(key) }, label)));
  const card = h("section", { class: "card", "aria-label": "办理业务" }, h("h2", {}, "办理业务"), nav, body);
  const show = (key) => {
    for (const tab of nav.children) tab.setAttribute("aria-selected", String(tab.dataset.service === key));
    ({ recharge, plan, vas, recommend })[key]();
  };

  function recharge() {
    const amount = h("input", { id: "recharge-amount", inputmode: "decimal", placeholder: "1 – 5000 元", maxlength: "10" });
    const channel = h("select", { id: "recharge-channel" }, ["wechat", "alipay", "bank", "card", "counter"].map((c) => h("option", { value: c }, labels.channel[c])));
    const error = h("div", { class: "error", role: "alert" });
    const result = h("div", { role: "status" });
    // One key per intended payment: a retry after a timeout cannot credit twice.
    let key = null;
    const form = h("form", { class: "stack" },
      h("div", { class: "grid" },
        h("div", {}, h("label", { for: "recharge-amount" }, "充值金额（元）"), amount),
        h("div", {}, h("label", { for: "recharge-channel" }, "支付方式"), channel)),
      h("div", { class: "row" }, ...[30, 50, 100, 200].map((v) => h("button", { type: "button", onclick: () => { amount.value = String(v); key = null; } }, `${v}元`))),
      h("button", { class: "primary", type: "submit" }, "立即充值"), error, result);
    amount.addEventListener("input", () => { key = null; });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showError(error, null);
      key = key || (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
      try {
        const response = await fetch(`/api/v1/customers/${encodeURIComponent(customerId)}/recharges`, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Idempotency-Key": key },
          body: JSON.stringify({ amountYuan: amount.value.trim(), channel: channel.value }),
        });
        const data = await response.json();
        if (!response.ok) throw new Error(data.error ? data.error.message : "充值失败");
        key = null;
        result.replaceChildren(h("p", {}, `充值成功 ${yuan(data.amountFen)}，当前余额 `, h("strong", { class: "money" }, yuan(data.balanceFen)),
          data.resumed.length ? `，已为 ${data.resumed.join("、")} 恢复通话` : ""));
      } catch (e) {
        showError(error, e);
      }
    });
    body.replaceChildren(form);
  }

  async function plan() {
    const lines = view.subscriptions.filter((s) => s.status !== "closed" && !s.bundleId && ["mobile", "broadband"].includes(s.kind));
    if (!lines.length) { body.replaceChildren(h("p", { class: "hint" }, "没有可变更套餐的号码（融合套餐请到营业厅整体办理）。")); return; }
    const catalog = await api("GET", "/api/v1/packages");
    const named = new Map(catalog.map((p) => [p.code, p.name]));
    const nameOf = (code) => named.get(code) || "其他套餐";
    const line = h("select", { id: "plan-line" }, lines.map((s) => h("option", { value: s.id }, `${s.number}（${nameOf(s.packageCode)}）`)));
    const target = h("select", { id: "plan-target" });
    const timing = h("select", { id: "plan-timing" }, h("option", { value: "next_month" }, "次月1日生效"), h("option", { value: "immediately" }, "立即生效（仅升档）"));
    const error = h("div", { class: "error", role: "alert" });
    const quoteBox = h("div");
    const fillTargets = () => {
      const current = lines.find((s) => s.id === line.value);
      const kind = current.kind === "broadband" ? ["broadband"] : ["mobile_4g", "mobile_5g", "unlimited"];
      target.replaceChildren(...catalog.filter((p) => kind.includes(p.category) && p.code !== current.packageCode)
        .map((p) => h("option", { value: p.code }, `${p.name}（${yuan(p.monthlyFeeFen)}/月）`)));
    };
    line.addEventListener("change", fillTargets);
    fillTargets();
    const form = h("form", { class: "stack" },
      h("div", { class: "grid" },
        h("div", {}, h("label", { for: "plan-line" }, "号码"), line),
        h("div", {}, h("label", { for: "plan-target" }, "新套餐"), target),
        h("div", {}, h("label", { for: "plan-timing" }, "生效时间"), timing)),
      h("button", { class: "primary", type: "submit" }, "获取报价"), error, quoteBox);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showError(error, null);
      try {
        const quote = await api("POST", `/api/v1/customers/${encodeURIComponent(customerId)}/plan-quotes`,
          { subscriptionId: line.value, packageCode: target.value, timing: timing.value });
        quoteBox.replaceChildren(h("div", { class: "card", style: "background: #f8fafc" },
          h("h3", {}, `报价：${nameOf(quote.fromPackage)} → ${nameOf(quote.toPackage)}（${quote.upgrade ? "升档" : "降档"}）`),
          h("dl", { class: "kv" },
            h("dt", {}, "生效日期"), h("dd", {}, quote.effectiveOn),
            h("dt", {}, "新月费"), h("dd", { class: "money" }, yuan(quote.newMonthlyFeeFen)),
            h("dt", {}, "本月补差价"), h("dd", { class: "money" }, yuan(quote.proratedChargeFen)),
            h("dt", {}, "违约金"), h("dd", { class: "money" }, yuan(quote.penaltyFen)),
            h("dt", {}, "结转流量"), h("dd", {}, quote.carryOverMB ? dataSize(quote.carryOverMB) : "无")),
          h("ul", {}, quote.notes.map((n) => h("li", {}, n))),
          h("button", { class: "primary", type: "button", onclick: async (e) => {
            e.currentTarget.disabled = true;
            try {
              const done = await api("POST", `/api/v1/customers/${encodeURIComponent(customerId)}/plan-quotes/${quote.id}/confirm`);
              quoteBox.replaceChildren(h("p", { role: "status" }, `办理成功：${nameOf(done.toPackage)} 将于 ${done.effectiveOn} 生效。`));
            } catch (err) {
              showError(error, err);
            }
          } }, "确认办理")));
      } catch (e) {
        showError(error, e);
      }
    });
    body.replaceChildren(form);
  }

  async function vas() {
    const services = await api("GET", `/api/v1/customers/${encodeURIComponent(customerId)}/value-added-services`);
    const error = h("div", { class: "error", role: "alert" });
    body.replaceChildren(services.length === 0 ? h("p", { class: "hint" }, "您没有订购增值业务。") :
      h("table", {}, h("thead", {}, h("tr", {}, ["号码", "业务", "月费", "已扣费", "状态", ""].map((t) => h("th", {}, t)))),
        h("tbody", {}, services.map((s) => h("tr", {},
          h("td", {}, s.number), h("td", {}, s.name), h("td", { class: "num money" }, yuan(s.monthlyFeeFen)),
          h("td", { class: "num money" }, yuan(s.chargedFen)),
          h("td", {}, h("span", { class: "badge " + (s.status === "active" ? "ok" : "") }, s.status === "active" ? "订购中" : "已退订")),
          h("td", {}, s.status === "active" ? h("button", { type: "button", onclick: async () => {
            try {
              await api("POST", `/api/v1/customers/${encodeURIComponent(customerId)}/value-added-services/${s.id}/unsubscribe`);
              vas();
            } catch (e) {
              showError(error, e);
            }
          } }, "退订") : null))))), error);
  }

  async function recommend() {
    const recs = await api("GET", `/api/v1/customers/${encodeURIComponent(customerId)}/recommendations`);
    body.replaceChildren(recs.length === 0 ? h("p", { class: "hint" }, "您当前的套餐已经很合适。") :
      h("ul", { class: "list" }, recs.map((r) => h("li", { style: "cursor: default" },
        h("div", {}, h("strong", {}, r.suggestedPackage), " ",
          h("span", { class: "badge " + (r.monthlySavingFen > 0 ? "ok" : "warn") }, r.monthlySavingFen > 0 ? `每月省 ${yuan(r.monthlySavingFen)}` : `每月多 ${yuan(-r.monthlySavingFen)}`)),
        h("div", { class: "hint" }, r.reason)))));
  }

  recharge();
  return card;
}
