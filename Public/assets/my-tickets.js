// The customer's own tickets: progress, the visible history, answering, confirming the fix or reopening.
import { api } from "./api.js";
import { h, dateTime, fill, showError } from "./dom.js";
import { ticketLabels, historyList, progressSteps, statusBadge, ticketForm } from "./tickets-common.js";

export function myTicketsCard(customerId, view) {
  const list = h("div", { class: "stack" });
  const formSlot = h("div");
  const card = h("section", { class: "card", id: "my-tickets", "aria-label": "我的工单" },
    h("div", { class: "row", style: "align-items: center" }, h("h2", { style: "margin: 0" }, "我的工单"),
      h("button", { onclick: showForm }, "报障 / 投诉")),
    formSlot, list);
  // A message left in the chat is a ticket too: the list shows it at once.
  document.addEventListener("kefu:tickets-changed", () => load());

  async function showForm() {
    const form = await ticketForm({
      draft: { type: "fault" }, lines: view.subscriptions,
      onCancel: () => formSlot.replaceChildren(),
      onCreated: (result) => {
        formSlot.replaceChildren(h("p", { class: "warn-box", role: "status" },
          `已提交，工单号 ${result.ticket.number}。`, result.ticket.outageId ? "您所在区域正在抢修，恢复后将通知您。" : "我们会尽快联系您。"));
        load();
      },
    });
    formSlot.replaceChildren(h("div", { class: "card", style: "margin-top: 12px" }, form));
  }

  async function load() {
    try {
      const tickets = await api("GET", "/api/v1/tickets?limit=50");
      list.replaceChildren(...(tickets.length ? tickets.map(entry) : [h("p", { class: "hint" }, "暂无工单。遇到故障或对服务不满意，可在这里提交。")]));
    } catch (e) {
      list.replaceChildren(h("p", { class: "error" }, e.message));
    }
  }

  function entry(t) {
    const details = h("div");
    const box = h("details", { class: "ticket", "data-id": t.id },
      h("summary", {}, h("strong", {}, t.title), " ", statusBadge(t.status),
        h("div", { class: "hint" }, `${t.number} · ${ticketLabels.type[t.type]} · 提交于 ${dateTime(t.createdAt)}`)),
      progressSteps(t.status), details);
    box.addEventListener("toggle", () => { if (box.open) showDetail(t.id, details); });
    return box;
  }

  async function showDetail(id, target) {
    const error = h("div", { class: "error", role: "alert" });
    try {
      const { ticket: t, events, outage } = await api("GET", `/api/v1/tickets/${encodeURIComponent(id)}`);
      const text = h("textarea", { rows: "2", maxlength: "2000", placeholder: t.status === "waiting_customer" ? "客服在等您的回复" : "补充说明", "aria-label": "补充说明" });
      const act = async (body) => {
        showError(error, null);
        try {
          await api("POST", `/api/v1/tickets/${encodeURIComponent(id)}/actions`, body);
          await load();
          const again = list.querySelector(`details[data-id="${CSS.escape(id)}"]`);
          if (again) again.open = true;
        } catch (e) {
          showError(error, e);
        }
      };
      const buttons = [h("button", { onclick: () => act({ action: "comment", text: text.value.trim() }) }, "发送补充")];
      if (t.status === "resolved") buttons.push(h("button", { class: "primary", onclick: () => act({ action: "confirm" }) }, "确认已解决"));
      if (t.status === "resolved" || t.status === "closed") {
        buttons.push(h("button", { onclick: () => act({ action: "reopen", reason: text.value.trim() || "问题仍未解决" }) }, "问题没解决，重新处理"));
      }
      fill(target,
        outage ? h("p", { class: "warn-box" }, `区域故障抢修中：${outage.title}`, outage.eta ? `，预计 ${dateTime(outage.eta)} 恢复` : "") : null,
        historyList(events), text, h("div", { class: "actions" }, buttons), error);
    } catch (e) {
      target.replaceChildren(h("p", { class: "error" }, e.message));
    }
  }

  load();
  return card;
}
