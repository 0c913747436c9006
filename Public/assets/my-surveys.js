// Surveys the customer may still answer: chats and tickets that ended with a person in the last 72 hours.
import { api } from "./api.js";
import { h, dateTime } from "./dom.js";
import { surveyForm } from "./survey.js";

export function mySurveysCard() {
  const list = h("div", { class: "stack" });
  const card = h("section", { class: "card", id: "my-surveys", "aria-label": "待评价的服务", hidden: true },
    h("h2", { style: "margin: 0 0 8px" }, "待评价的服务"), list);
  document.addEventListener("kefu:tickets-changed", () => load());
  document.addEventListener("kefu:chat-ended", () => load());

  async function load() {
    try {
      const open = await api("GET", "/api/v1/surveys");
      card.hidden = open.length === 0;
      list.replaceChildren(...open.map(entry));
    } catch {
      card.hidden = true;
    }
  }

  function entry(s) {
    const who = s.agentNo ? `客服 ${s.agentNo} · ` : "";
    return h("details", { class: "ticket", "data-contact": s.contactId },
      h("summary", {}, h("strong", {}, s.title),
        h("div", { class: "hint" }, `${who}结束于 ${dateTime(s.endedAt)} · ${dateTime(s.expiresAt)} 前可评价`)),
      surveyForm({
        prompt: "您对这次服务满意吗？",
        submit: (answer) => api("POST", "/api/v1/surveys", { contactKind: s.contactKind, contactId: s.contactId, ...answer }),
      }));
  }

  load();
  return card;
}
