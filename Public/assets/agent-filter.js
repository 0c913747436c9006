// QA and team leads look at one agent's work: a select of those who take chats and tickets, shown once
// it has someone to offer (with `shown`, the element that holds it).
import { api } from "./api.js";
import { h } from "./dom.js";

export async function agentFilter(select, onChange, shown = select) {
  const people = await api("GET", "/api/v1/admin/users").catch(() => []);
  const serving = people.filter((p) => !p.disabled && (p.role === "agent" || p.role === "team_lead"));
  if (!serving.length) return;
  select.append(...serving.map((p) => h("option", { value: p.id }, `${p.agentNo} ${p.displayName}`)));
  shown.hidden = false;
  select.addEventListener("change", onChange);
}
