// The customer's whole record, drawn once for the agent desk and for the customer's own page.
import { h, yuan, dataSize, dateTime, labels, statusBadge } from "./dom.js";

export function render360(view, { staff = false } = {}) {
  const { customer, subscriptions, packages, bills, usage, payments, orders, devices } = view;
  const planOf = new Map(packages.map((p) => [p.code, p]));
  const latestMonth = bills.length ? bills[0].month : null;
  const latestBills = bills.filter((b) => b.month === latestMonth);
  const latestTotal = latestBills.reduce((sum, b) => sum + b.totalFen, 0);

  const summary = h("section", { class: "card", "aria-label": "客户概况" },
    h("h2", {}, customer.name, " ",
      customer.vipLevel > 0 ? h("span", { class: "badge vip" }, labels.vip[customer.vipLevel] + "VIP") : null, " ",
      customer.masked ? h("span", { class: "badge" }, "已脱敏") : null),
    h("div", { class: "grid" },
      h("dl", { class: "kv" },
        h("dt", {}, "联系电话"), h("dd", {}, customer.contactPhone),
        h("dt", {}, "证件号码"), h("dd", {}, customer.idNumber),
        h("dt", {}, "所在地区"), h("dd", {}, customer.city + " " + customer.district),
        h("dt", {}, "地址"), h("dd", {}, customer.address),
        staff && customer.tags.length ? [h("dt", {}, "标签"), h("dd", {}, customer.tags.map((t) => h("span", { class: "badge" }, t)))] : null),
      h("div", {},
        h("div", { class: "hint" }, "账户余额"),
        h("div", { class: "big money " + (customer.balanceFen < 0 ? "negative" : ""), style: customer.balanceFen < 0 ? "color: var(--bad)" : "" }, yuan(customer.balanceFen)),
        customer.balanceFen < 0 ? h("div", { class: "hint", style: "color: var(--bad)" }, "已欠费，缴清后自动复机") : null,
        latestMonth ? h("div", { class: "hint" }, `${latestMonth} 账单合计 ${yuan(latestTotal)}`) : null)));

  const usageByLine = new Map();
  for (const u of usage) if (!usageByLine.has(u.subscriptionId)) usageByLine.set(u.subscriptionId, u);
  // A family bundle's lines draw on one pool: the family's use that month, for each of its lines.
  const pooled = (line, plan, month) => {
    if (!line.bundleId || !plan.sharedData) return null;
    const members = new Set(subscriptions.filter((o) => o.bundleId === line.bundleId && o.kind === "mobile").map((o) => o.id));
    if (members.size < 2) return null;
    const sum = usage.filter((x) => members.has(x.subscriptionId) && x.month === month);
    return { dataMB: sum.reduce((n, x) => n + x.dataMB, 0), voiceMinutes: sum.reduce((n, x) => n + x.voiceMinutes, 0) };
  };
  const lines = h("section", { class: "card", "aria-label": "号码与套餐" },
    h("h2", {}, "号码与套餐"),
    h("div", { class: "scroll" }, h("table", { class: "cards-on-phone" },
      h("thead", {}, h("tr", {}, h("th", {}, "号码"), h("th", {}, "类型"), h("th", {}, "套餐"), h("th", {}, "状态"), h("th", {}, "用量"), h("th", {}, "合约"))),
      h("tbody", {}, subscriptions.map((s) => {
        const plan = planOf.get(s.packageCode);
        const u = usageByLine.get(s.id);
        const used = u && plan ? `${monthLabel(u.month)} ${usageText(u, plan, s.kind, pooled(s, plan, u.month))}` : "—";
        return h("tr", {},
          h("td", { "data-label": "号码" }, s.number),
          h("td", { "data-label": "类型" }, labels.subscriptionKind[s.kind] || s.kind),
          h("td", { "data-label": "套餐" }, plan ? `${plan.name}（${yuan(plan.monthlyFeeFen)}/月）` : s.packageCode,
            s.pendingPackageCode ? h("div", { class: "hint" }, `${s.pendingEffectiveOn} 起变更为 ${planOf.get(s.pendingPackageCode)?.name || "新套餐"}`) : null,
            s.carryOverMB ? h("div", { class: "hint" }, `${s.carryOverMonth} 结转流量 ${dataSize(s.carryOverMB)}`) : null),
          h("td", { "data-label": "状态" }, statusBadge(s.status)),
          h("td", { "data-label": "用量" }, used),
          h("td", { "data-label": "合约" }, s.contract ? `至 ${s.contract.endsOn}，月优惠 ${yuan(s.contract.monthlyDiscountFen)}` : "无"));
      })))));

  const billCard = h("section", { class: "card", "aria-label": "账单" },
    h("h2", {}, "近期账单"),
    bills.length === 0 ? h("p", { class: "hint" }, "暂无账单") :
      bills.slice(0, 6).map((b) => h("details", { open: b.month === latestMonth && latestBills[0] === b },
        h("summary", {}, `${b.month} · ${lineNumber(subscriptions, b.subscriptionId)} · `, h("span", { class: "money" }, yuan(b.totalFen)), " ", statusBadge(b.status)),
        h("table", {}, h("tbody", {}, b.items.map((item) => h("tr", {}, h("td", {}, item.description), h("td", { class: "num money" }, yuan(item.amountFen)))))))));

  const other = h("div", { class: "grid" },
    h("section", { class: "card", "aria-label": "缴费记录" }, h("h2", {}, "缴费记录"),
      payments.length === 0 ? h("p", { class: "hint" }, "暂无") :
        h("table", {}, h("tbody", {}, payments.slice(0, 6).map((p) => h("tr", {}, h("td", {}, dateTime(p.paidAt)), h("td", {}, labels.channel[p.channel] || p.channel), h("td", { class: "num money" }, yuan(p.amountFen))))))),
    h("section", { class: "card", "aria-label": "设备" }, h("h2", {}, "终端设备"),
      devices.length === 0 ? h("p", { class: "hint" }, "无上门设备") :
        h("ul", { class: "list" }, devices.map((d) => h("li", {}, `${labels.deviceKind[d.kind] || d.kind} · ${d.model} · ${d.serial}`)))),
    h("section", { class: "card", "aria-label": "业务订单" }, h("h2", {}, "业务订单"),
      h("ul", { class: "list" }, orders.slice(0, 6).map((o) => h("li", {}, `${dateTime(o.createdAt).slice(0, 10)} · ${o.summary} · ${labels.channel[o.channel] || o.channel}`)))));

  return [summary, lines, billCard, other];
}

function lineNumber(subscriptions, id) {
  const line = subscriptions.find((s) => s.id === id);
  return line ? line.number : id;
}

// "本月" for the month under way (China time), else the month's number.
function monthLabel(month) {
  const now = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
  return month === now ? "本月" : `${Number(month.slice(5, 7))}月`;
}

function usageText(u, plan, kind, pool) {
  if (kind === "broadband" || kind === "iptv" || kind === "dedicated_line") return plan.bandwidthMbps ? `${plan.bandwidthMbps}M 不限量` : "—";
  if (pool) {
    const parts = [`本号 ${dataSize(u.dataMB)}，全家共享 ${dataSize(pool.dataMB)}/${dataSize(plan.dataMB)}`];
    if (plan.voiceMinutes) parts.push(`通话 本号 ${u.voiceMinutes}，全家 ${pool.voiceMinutes}/${plan.voiceMinutes}分钟`);
    return parts.join("；");
  }
  const parts = [`流量 ${dataSize(u.dataMB)}/${dataSize(plan.dataMB)}`];
  if (plan.voiceMinutes) parts.push(`通话 ${u.voiceMinutes}/${plan.voiceMinutes}分钟`);
  return parts.join("，");
}
