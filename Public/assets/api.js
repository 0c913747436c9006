// The pages' only way to the server: JSON over fetch, with the session cookie.
export class ApiError extends Error {
  constructor(status, code, message, retryAfter, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.fields = fields || [];
  }
}

export async function api(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw new ApiError(0, "network", "网络连接失败，请检查网络后重试");
  }
  const text = await response.text();
  const data = text ? safeParse(text) : null;
  if (!response.ok) {
    const error = data && data.error ? data.error : { code: "http_" + response.status, message: "请求失败（" + response.status + "）" };
    throw new ApiError(response.status, error.code, error.message, Number(response.headers.get("Retry-After")) || undefined, error.fields);
  }
  return data;
}

function safeParse(text) {
  try { return JSON.parse(text); } catch { return null; }
}

export const me = () => api("GET", "/api/v1/auth/me").catch((error) => {
  if (error.status === 401) return null;
  throw error;
});
export const logout = () => api("POST", "/api/v1/auth/logout");
