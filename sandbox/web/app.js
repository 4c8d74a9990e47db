// The sandbox page: one phone-like pane per person (or group/channel), acting as
// that person through the emulator's control API and following the chats live
// through one event stream for the whole page (/sandbox/api/events, Server-Sent Events).
"use strict";

const API = "/sandbox/api";
const page = { info: null, bot: null, panes: new Map(), stream: null, restreamSoon: false };

// ------------------------------------------------------------------ helpers

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify({ bot_id: page.info.bot_id, ...body });
  }
  const response = await fetch(API + path, init);
  const data = await response.json().catch(() => ({ ok: false }));
  if (!data.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data.result;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function fileUrl(fileId) {
  return `${API}/files/${encodeURIComponent(fileId)}`;
}

// In the desk's time zone, 24-hour, so bubbles agree with the times in the bot's texts.
function clock(unix) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (page.info && page.info.timezone) options.timeZone = page.info.timezone;
  return new Date(unix * 1000).toLocaleTimeString([], options);
}

function sizeText(bytes) {
  if (!bytes) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// The sample voice note: two seconds of a soft two-note hum (8 kHz, 8-bit WAV), made here
// so that it plays in the chat without any file shipped or fetched.
function sampleVoice() {
  const rate = 8000;
  const samples = rate * 2;
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (at, text) => { for (let i = 0; i < text.length; i += 1) bytes[at + i] = text.charCodeAt(i); };
  ascii(0, "RIFF"); view.setUint32(4, 36 + samples, true); ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, rate, true); view.setUint32(28, rate, true);
  view.setUint16(32, 1, true); view.setUint16(34, 8, true);
  ascii(36, "data"); view.setUint32(40, samples, true);
  for (let i = 0; i < samples; i += 1) {
    const t = i / rate;
    const pitch = t < 1 ? 330 : 392;
    const fade = Math.min(1, (t % 1) * 20, (1 - (t % 1)) * 20);
    bytes[44 + i] = 128 + Math.round(40 * fade * Math.sin(2 * Math.PI * pitch * t));
  }
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function readAsBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

// Telegram's entities (UTF-16 offsets, like JavaScript strings) as DOM nodes.
function renderEntities(text, entities, pane) {
  const sorted = (entities || [])
    .slice()
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  function build(start, end, list) {
    const frag = document.createDocumentFragment();
    let pos = start;
    let i = 0;
    while (i < list.length) {
      const e = list[i];
      if (e.offset < pos) { i += 1; continue; }
      frag.append(text.slice(pos, e.offset));
      const stop = Math.min(e.offset + e.length, end);
      const inner = [];
      let j = i + 1;
      while (j < list.length && list[j].offset < stop) { inner.push(list[j]); j += 1; }
      const node = entityNode(e, text.slice(e.offset, stop), pane);
      node.append(build(e.offset, stop, inner));
      frag.append(node);
      pos = stop;
      i = j;
    }
    frag.append(text.slice(pos, end));
    return frag;
  }
  return build(0, text.length, sorted);
}

function entityNode(entity, value, pane) {
  const simple = {
    bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code",
    blockquote: "blockquote", expandable_blockquote: "blockquote",
  };
  if (simple[entity.type]) return el(simple[entity.type]);
  if (entity.type === "pre") return el("pre");
  if (entity.type === "spoiler") {
    const node = el("span", "spoiler");
    node.addEventListener("click", () => node.classList.add("shown"));
    return node;
  }
  if (entity.type === "text_link" || entity.type === "url") {
    const a = el("a");
    a.href = entity.type === "url" ? (/^https?:/.test(value) ? value : `https://${value}`) : entity.url;
    a.target = "_blank";
    a.rel = "noopener";
    return a;
  }
  if (entity.type === "bot_command" && pane && pane.canWrite) {
    const a = el("a", "command");
    a.href = "#";
    a.addEventListener("click", (ev) => { ev.preventDefault(); pane.sendText(value); });
    return a;
  }
  if (entity.type === "phone_number") { const a = el("a"); a.href = `tel:${value}`; return a; }
  if (entity.type === "email") { const a = el("a"); a.href = `mailto:${value}`; return a; }
  return el("span", `entity-${entity.type}`);
}

// ------------------------------------------------------------------ a pane

class Pane {
  constructor(spec) {
    this.spec = spec;  // {key, chatId, userId, name, role, kind: private|group|channel}
    this.canWrite = spec.kind !== "channel";
    this.messages = new Map();  // message_id -> element
    this.albums = new Map();  // media_group_id -> grid element
    this.replyKeyboard = null;
    this.seq = null;  // the last event of the chat shown; null while loading
    this.inlineTimer = null;
    this.root = document.getElementById("pane-template").content.firstElementChild.cloneNode(true);
    this.root.dataset.pane = spec.key;
    this.root.dataset.kind = spec.kind;
    this.$ = (selector) => this.root.querySelector(selector);
    this.list = this.$(".messages");
    this.$(".pane-name").textContent = spec.name;
    this.$(".pane-role").textContent = spec.role;
    this.$(".avatar").textContent = spec.name.slice(0, 1);
    this.$(".avatar").style.background = avatarColour(spec.name);
    this.wire();
  }

  wire() {
    const composer = this.$(".composer");
    const input = this.$(".composer-input");
    if (!this.canWrite) {
      composer.hidden = true;
      this.$(".readonly-note").hidden = false;
    }
    if (this.spec.kind !== "private") this.$(".lang").hidden = true;
    this.$(".close").hidden = Boolean(this.spec.pinned);
    this.$(".close").addEventListener("click", () => closePane(this.spec.key));
    composer.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      if (this.inlineQueryText(text) !== null) return;  // picking a result sends it
      input.value = "";
      this.sendText(text);
    });
    input.addEventListener("input", () => this.onTyping(input.value));
    this.$(".attach").addEventListener("click", () => this.toggleSheet(".attach-sheet"));
    for (const cancel of this.root.querySelectorAll(".sheet-cancel")) {
      cancel.addEventListener("click", () => this.closeSheets());
    }
    for (const button of this.root.querySelectorAll("[data-attach]")) {
      button.addEventListener("click", () => this.attach(button.dataset.attach));
    }
    this.$(".file").addEventListener("change", (ev) => this.sendFile(ev.target));
    this.$(".coords").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const form = ev.target;
      const lat = Number.parseFloat(form.lat.value);
      const lon = Number.parseFloat(form.lon.value);
      if (Number.isFinite(lat) && Number.isFinite(lon)) this.shareLocation(lat, lon);
    });
    for (const place of page.info.places || []) {
      const button = el("button", "place", `📍 ${place.title}`);
      button.type = "button";
      button.addEventListener("click", () => this.shareLocation(place.latitude, place.longitude));
      this.$(".places").append(button);
    }
    this.$(".lang").addEventListener("change", (ev) => {
      const code = ev.target.value;
      ev.target.value = "";
      if (code) this.switchLanguage(code);
    });
    this.$(".alert-ok").addEventListener("click", () => { this.$(".alert").hidden = true; });
  }

  // -- loading and the live stream

  async load() {
    this.list.replaceChildren();
    this.messages.clear();
    this.albums.clear();
    const chat = await api("GET", `/chats/${this.spec.chatId}?bot_id=${page.info.bot_id}`);
    for (const envelope of chat.messages) this.upsert(envelope);
    this.setReplyKeyboard(chat.reply_keyboard);
    this.scrollDown();
    this.seq = chat.seq;
    restream();
  }

  onEvent(event) {
    const stick = this.atBottom();
    if (event.kind === "delete") {
      this.remove(event.message_id);
    } else {
      this.upsert(event);
      if (event.kind === "new" && event.from_bot) this.followKeyboard(event.reply_keyboard);
    }
    if (stick || (event.kind === "new" && !event.from_bot)) this.scrollDown();
  }

  atBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
  }

  scrollDown() {
    requestAnimationFrame(() => { this.list.scrollTop = this.list.scrollHeight; });
  }

  // -- rendering

  upsert(envelope) {
    const message = envelope.message;
    const id = message.message_id;
    const node = this.render(envelope);
    const old = this.messages.get(id);
    this.messages.set(id, node);
    if (old) { old.replaceWith(node); return; }
    const group = message.media_group_id;
    if (group && (message.photo || message.video)) {
      let album = this.albums.get(group);
      if (!album || !album.isConnected) {
        album = this.wrapBubble(envelope, el("div", "album"));
        album.dataset.album = group;
        this.albums.set(group, album);
        this.list.append(album.closest(".row"));
      }
      album.append(node);
      const caption = album.parentElement.querySelector(".album-caption");
      if (message.caption && !caption) {
        const text = el("div", "album-caption text");
        text.append(renderEntities(message.caption, message.caption_entities, this));
        album.after(text);
      }
      return;
    }
    this.list.append(node);
  }

  remove(id) {
    const node = this.messages.get(id);
    this.messages.delete(id);
    if (!node) return;
    const album = node.closest(".album");
    node.remove();
    if (album && !album.children.length) album.closest(".row").remove();
  }

  wrapBubble(envelope, content) {
    const row = el("div", `row ${envelope.from_bot ? "in" : "out"}`);
    const stack = el("div", "stack");
    const bubble = el("div", "bubble");
    bubble.append(content);
    bubble.append(el("div", "meta", clock(envelope.message.date)));
    stack.append(bubble);
    row.append(stack);
    return content;
  }

  render(envelope) {
    const m = envelope.message;
    if (m.new_chat_members || m.left_chat_member || m.migrate_to_chat_id
        || m.migrate_from_chat_id || m.pinned_message) {
      const row = el("div", "row service");
      row.append(el("span", "service-pill", serviceText(m)));
      row.dataset.id = m.message_id;
      return row;
    }
    const inAlbum = m.media_group_id && (m.photo || m.video);
    if (inAlbum) {
      const tile = this.media(m);
      tile.dataset.id = m.message_id;
      tile.classList.add("album-item");
      return tile;
    }
    const row = el("div", `row ${envelope.from_bot ? "in" : "out"}`);
    row.dataset.id = m.message_id;
    const stack = el("div", "stack");  // the bubble and its keyboard, as wide as the wider
    row.append(stack);
    const bubble = el("div", "bubble");
    if (this.spec.kind !== "private" && m.from && !envelope.from_bot) {
      bubble.append(el("div", "sender", [m.from.first_name, m.from.last_name].filter(Boolean).join(" ")));
    }
    if (m.via_bot) bubble.append(el("div", "via", `via @${m.via_bot.username}`));
    if (m.reply_to_message) {
      const quote = el("div", "reply-quote");
      const r = m.reply_to_message;
      quote.textContent = (r.text || r.caption || "📎 media").slice(0, 90);
      bubble.append(quote);
    }
    const media = this.media(m);
    if (media) bubble.append(media);
    const text = m.text ?? m.caption;
    if (text) {
      const body = el("div", "text");
      body.append(renderEntities(text, m.entities || m.caption_entities, this));
      bubble.append(body);
    }
    const meta = el("div", "meta", clock(m.edit_date || m.date));
    if (envelope.edited || m.edit_date) meta.prepend(el("span", "edited", "edited "));
    bubble.append(meta);
    stack.append(bubble);
    const keyboard = m.reply_markup && m.reply_markup.inline_keyboard;
    if (keyboard) stack.append(this.inlineKeyboard(m, keyboard));
    return row;
  }

  media(m) {
    if (m.photo) {
      const img = el("img", "photo");
      img.src = fileUrl(m.photo[m.photo.length - 1].file_id);
      img.alt = "photo";
      img.loading = "lazy";
      img.addEventListener("click", () => window.open(img.src, "_blank"));
      return img;
    }
    if (m.video || m.animation) {
      const video = el("video", "photo");
      video.src = fileUrl((m.video || m.animation).file_id);
      video.controls = true;
      return video;
    }
    if (m.voice || m.audio) {
      const box = el("div", "voice");
      box.append(el("span", "voice-icon", m.voice ? "🎤" : "🎵"));
      const audio = el("audio");
      audio.controls = true;
      audio.src = fileUrl((m.voice || m.audio).file_id);
      box.append(audio);
      return box;
    }
    if (m.document) {
      const a = el("a", "document");
      a.href = fileUrl(m.document.file_id);
      a.download = m.document.file_name || "file";
      a.append(el("span", "doc-icon", "📄"));
      const label = el("span", "doc-label");
      label.append(el("span", "doc-name", m.document.file_name || "file"));
      label.append(el("span", "doc-size", sizeText(m.document.file_size)));
      a.append(label);
      return a;
    }
    if (m.location) {
      const box = el("div", "location");
      const map = el("div", "map");
      map.append(el("span", "pin", "📍"));
      box.append(map);
      const venue = m.venue ? `${m.venue.title}, ${m.venue.address}\n` : "";
      box.append(el("div", "coords-text",
        `${venue}${m.location.latitude.toFixed(5)}, ${m.location.longitude.toFixed(5)}`));
      return box;
    }
    if (m.contact) {
      const box = el("div", "contact");
      box.append(el("span", "avatar small", (m.contact.first_name || "?").slice(0, 1)));
      const label = el("span");
      label.append(el("div", "doc-name", [m.contact.first_name, m.contact.last_name].filter(Boolean).join(" ")));
      label.append(el("div", "doc-size", m.contact.phone_number));
      box.append(label);
      return box;
    }
    if (m.sticker) return el("div", "sticker", m.sticker.emoji || "🖼");
    return null;
  }

  inlineKeyboard(message, rows) {
    const box = el("div", "inline-keyboard");
    for (const row of rows) {
      const line = el("div", "kb-row");
      for (const button of row) {
        const node = el(button.url ? "a" : "button", "kb-button", button.text);
        if (button.url) {
          node.href = button.url;
          node.target = "_blank";
          node.rel = "noopener";
          node.append(el("span", "kb-corner", "↗"));
        } else if ("switch_inline_query_current_chat" in button || "switch_inline_query" in button) {
          node.type = "button";
          node.addEventListener("click", () => {  // "@bot query" typed for the person
            const query = button.switch_inline_query_current_chat ?? button.switch_inline_query;
            const input = this.$(".composer-input");
            input.value = `@${page.bot.username} ${query}`;
            input.focus();
            this.onTyping(input.value);
          });
        } else {
          node.type = "button";
          if (!this.canWrite) node.disabled = true;
          node.addEventListener("click", () => this.press(message, button, node));
        }
        line.append(node);
      }
      box.append(line);
    }
    return box;
  }

  // -- reply keyboards

  followKeyboard(markup) {
    if (!markup) return;
    if (markup.keyboard) this.setReplyKeyboard(markup);
    else if (markup.remove_keyboard) this.setReplyKeyboard(null);
  }

  setReplyKeyboard(markup) {
    this.replyKeyboard = markup && markup.keyboard ? markup : null;
    const box = this.$(".reply-keyboard");
    box.replaceChildren();
    box.hidden = !this.replyKeyboard || !this.canWrite;
    this.$(".composer-input").placeholder =
      (this.replyKeyboard && this.replyKeyboard.input_field_placeholder) || "Message";
    if (box.hidden) return;
    for (const row of markup.keyboard) {
      const line = el("div", "kb-row");
      for (const raw of row) {
        const button = typeof raw === "string" ? { text: raw } : raw;
        const node = el("button", "kb-button reply", button.text);
        node.type = "button";
        node.addEventListener("click", () => this.pressReply(button));
        line.append(node);
      }
      box.append(line);
    }
  }

  async pressReply(button) {
    if (button.request_location) { this.toggleSheet(".location-sheet", button); return; }
    await this.act(() => api("POST", `/users/${this.spec.userId}/reply_button`, {
      chat_id: this.spec.chatId, text: button.text,
    }));
    if (this.replyKeyboard && this.replyKeyboard.one_time_keyboard) this.setReplyKeyboard(null);
  }

  // -- acting as the person

  async act(fn) {
    try {
      return await fn();
    } catch (error) {
      this.toast(`⚠️ ${error.message}`);
      return null;
    }
  }

  sendText(text) {
    return this.act(() => api("POST", `/users/${this.spec.userId}/send`, {
      chat_id: this.spec.chatId, kind: "text", text,
    }));
  }

  async press(message, button, node) {
    node.classList.add("busy");
    node.disabled = true;
    try {
      const result = await this.act(() => api("POST", `/users/${this.spec.userId}/press`, {
        chat_id: this.spec.chatId, message_id: message.message_id,
        data: button.callback_data, wait_answer: 15,
      }));
      if (!result) return;
      const answer = result.answer;
      if (!result.answered) this.toast("The bot did not answer this button");
      else if (answer && answer.text && answer.show_alert) this.alert(answer.text);
      else if (answer && answer.text) this.toast(answer.text);
      else if (answer && answer.url) window.open(answer.url, "_blank");
    } finally {
      node.classList.remove("busy");
      node.disabled = false;
    }
  }

  toggleSheet(selector, button) {
    const sheet = this.$(selector);
    const open = sheet.hidden;
    this.closeSheets();
    sheet.hidden = !open;
    this.locationButton = button || null;
  }

  closeSheets() {
    for (const sheet of this.root.querySelectorAll(".sheet")) sheet.hidden = true;
  }

  attach(kind) {
    this.closeSheets();
    if (kind === "photo" || kind === "document") {
      const input = this.$(".file");
      input.dataset.kind = kind;
      input.accept = kind === "photo" ? "image/*" : "";
      input.value = "";
      input.click();
    } else if (kind === "contact") {
      const contactButton = this.replyKeyboard && this.replyKeyboard.keyboard.flat()
        .find((b) => typeof b === "object" && b.request_contact);
      if (contactButton) this.pressReply(contactButton);
      else this.act(() => api("POST", `/users/${this.spec.userId}/send`, { chat_id: this.spec.chatId, kind: "contact" }));
    } else if (kind === "location") {
      this.toggleSheet(".location-sheet");
    } else if (kind === "voice") {
      this.act(() => api("POST", `/users/${this.spec.userId}/send`, {
        chat_id: this.spec.chatId, kind: "voice", duration: 2,
        data_b64: sampleVoice(), mime_type: "audio/wav",
      }));
    }
  }

  async sendFile(input) {
    const files = [...(input.files || [])].slice(0, 10);
    if (!files.length) return;
    const caption = this.$(".composer-input").value.trim() || undefined;
    this.$(".composer-input").value = "";
    const items = [];
    for (const file of files) {
      const kind = input.dataset.kind === "photo" && file.type.startsWith("image/") ? "photo" : "document";
      items.push({
        kind, data_b64: await readAsBase64(file), file_name: file.name,
        mime_type: file.type || "application/octet-stream",
      });
    }
    // Several files at once go as an album (a media group), as in Telegram.
    const body = items.length > 1 ? { kind: "album", items, caption } : { ...items[0], caption };
    await this.act(() => api("POST", `/users/${this.spec.userId}/send`, {
      chat_id: this.spec.chatId, ...body,
    }));
  }

  async shareLocation(latitude, longitude) {
    this.closeSheets();
    const button = this.locationButton;
    this.locationButton = null;
    if (button) {
      await this.act(() => api("POST", `/users/${this.spec.userId}/reply_button`, {
        chat_id: this.spec.chatId, text: button.text, latitude, longitude,
      }));
    } else {
      await this.act(() => api("POST", `/users/${this.spec.userId}/send`, {
        chat_id: this.spec.chatId, kind: "location", latitude, longitude,
      }));
    }
  }

  async switchLanguage(code) {
    // The bot's own way: /language, then the language's button.
    const sent = await this.sendText("/language");
    if (!sent) return;
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      const data = `lang:${code}`;
      for (const node of [...this.list.querySelectorAll(".kb-button")].reverse()) {
        const row = node.closest(".row");
        const message = row && Number(row.dataset.id) > sent.message.message.message_id;
        if (!message) continue;
        const result = await this.act(() => api("POST", `/users/${this.spec.userId}/press`, {
          chat_id: this.spec.chatId, message_id: Number(row.dataset.id), data, wait_answer: 15,
        }));
        if (result && result.answer && result.answer.text) this.toast(result.answer.text);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    this.toast("The bot did not offer the languages");
  }

  // -- inline mode: "@bot query"

  inlineQueryText(text) {
    const username = page.bot && page.bot.username;
    if (!username) return null;
    const prefix = `@${username}`;
    if (!text.toLowerCase().startsWith(prefix.toLowerCase())) return null;
    const rest = text.slice(prefix.length);
    if (rest && !rest.startsWith(" ")) return null;
    return rest.trim();
  }

  onTyping(text) {
    const query = this.inlineQueryText(text);
    const box = this.$(".inline-results");
    clearTimeout(this.inlineTimer);
    if (query === null || this.spec.kind === "channel") { box.hidden = true; return; }
    this.inlineTimer = setTimeout(() => this.inlineQuery(query), 300);
  }

  async inlineQuery(query) {
    const box = this.$(".inline-results");
    const result = await this.act(() => api("POST", `/users/${this.spec.userId}/inline_query`, {
      query, wait: 5, chat_type: this.spec.kind === "private" ? "sender" : "supergroup",
    }));
    box.replaceChildren();
    box.hidden = false;
    const results = (result && result.answer && result.answer.results) || [];
    if (!results.length) {
      box.append(el("div", "inline-empty", query ? "No results" : "Type a request number or exec:name"));
      return;
    }
    for (const item of results) {
      const node = el("button", "inline-item");
      node.type = "button";
      node.append(el("div", "inline-title", item.title || item.id));
      if (item.description) node.append(el("div", "inline-desc", item.description));
      node.addEventListener("click", async () => {
        box.hidden = true;
        this.$(".composer-input").value = "";
        await this.act(() => api("POST", `/users/${this.spec.userId}/choose_inline_result`, {
          chat_id: this.spec.chatId, inline_query_id: result.inline_query_id, result_id: item.id,
        }));
      });
      box.append(node);
    }
  }

  // -- toasts and alerts (answerCallbackQuery)

  toast(text) {
    const node = this.$(".toast");
    node.textContent = text;
    node.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { node.hidden = true; }, 3500);
  }

  alert(text) {
    this.$(".alert-title").textContent = page.bot ? page.bot.first_name : "Bot";
    this.$(".alert-text").textContent = text;
    this.$(".alert").hidden = false;
  }
}

function serviceText(m) {
  const name = (u) => [u.first_name, u.last_name].filter(Boolean).join(" ");
  if (m.new_chat_members) return `${m.new_chat_members.map(name).join(", ")} joined the group`;
  if (m.left_chat_member) return `${name(m.left_chat_member)} left the group`;
  if (m.pinned_message) return "A message was pinned";
  return "The group was upgraded to a supergroup";
}

function avatarColour(name) {
  const colours = ["#e17076", "#7bc862", "#65aadd", "#a695e7", "#ee7aae", "#6ec9cb", "#faa774"];
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return colours[hash % colours.length];
}

// ------------------------------------------------------------------ panes

function paneSpecs() {
  const specs = [];
  for (const person of page.info.people || []) {
    specs.push({
      key: `user-${person.id}`, chatId: person.id, userId: person.id, name: person.name,
      role: person.role, kind: "private", pinned: person.pinned,
    });
  }
  for (const chat of page.info.chats || []) {
    const channel = chat.role.toLowerCase().includes("channel");
    specs.push({
      key: `chat-${chat.id}`, chatId: chat.id, userId: chat.as, name: chat.title,
      role: chat.as ? `${chat.role} · you write as ${personName(chat.as)}` : chat.role,
      kind: channel ? "channel" : "group",
    });
  }
  return specs;
}

function personName(id) {
  const person = (page.info.people || []).find((p) => p.id === id);
  return person ? person.name.split(" ")[0] : String(id);
}

function openPane(spec) {
  if (page.panes.has(spec.key)) {
    page.panes.get(spec.key).root.scrollIntoView({ behavior: "smooth", inline: "nearest" });
    return;
  }
  const pane = new Pane(spec);
  page.panes.set(spec.key, pane);
  document.getElementById("panes").append(pane.root);
  if (!spec.pinned) pane.root.scrollIntoView({ behavior: "smooth", inline: "end" });
  pane.load().catch((error) => pane.toast(`⚠️ ${error.message}`));
  refreshAddMenu();
}

function closePane(key) {
  const pane = page.panes.get(key);
  if (!pane) return;
  pane.root.remove();
  page.panes.delete(key);
  restream();
  refreshAddMenu();
}

// One stream for every pane: a browser keeps only six connections to a host, and a
// stream per pane would leave none for sending and pressing once six chats are open.
// It is reopened (soon, once for several changes) whenever the set of panes changes.
function restream() {
  if (page.restreamSoon) return;
  page.restreamSoon = true;
  setTimeout(() => {
    page.restreamSoon = false;
    if (page.stream) page.stream.close();
    page.stream = null;
    const loaded = [...page.panes.values()].filter((pane) => pane.seq !== null);
    if (!loaded.length) return;
    const chats = loaded.map((pane) => `${pane.spec.chatId}:${pane.seq}`).join(",");
    const stream = new EventSource(`${API}/events?bot_id=${page.info.bot_id}&chats=${chats}`);
    page.stream = stream;
    stream.onmessage = (ev) => {
      const { chat_id: chatId, event } = JSON.parse(ev.data);
      const pane = loaded.find((p) => p.spec.chatId === chatId && page.panes.has(p.spec.key));
      if (!pane) return;
      pane.seq = event.seq;
      pane.onEvent(event);
    };
    // EventSource reconnects by itself; meanwhile the page says the sandbox is gone.
    // A refused stream (the sandbox restarted without a chat of this page) is closed
    // for good instead: the page asks again with what it still has.
    stream.onopen = () => setOffline(false);
    stream.onerror = () => {
      setOffline(true);
      if (stream.readyState === EventSource.CLOSED && page.stream === stream) {
        setTimeout(() => { if (page.stream === stream) reloadPanes(); }, 2000);
      }
    };
    // the histories were dropped (reset, or the sandbox restarted): load every pane again
    stream.addEventListener("reset", () => { stream.close(); reloadPanes(); });
  }, 0);
}

function reloadPanes() {
  const loads = [...page.panes.values()].map((pane) => {
    pane.seq = null;
    return pane.load().then(
      () => true,
      (error) => { pane.toast(`⚠️ ${error.message}`); return false; },
    );
  });
  // not one pane could be loaded (the sandbox is away): ask again in a moment
  Promise.all(loads).then((loaded) => {
    if (loaded.length && !loaded.some(Boolean)) setTimeout(reloadPanes, 2000);
  });
}

function refreshAddMenu() {
  const select = document.getElementById("add-pane");
  select.replaceChildren(el("option", null, "+ Open a chat…"));
  select.firstChild.value = "";
  for (const spec of paneSpecs()) {
    if (page.panes.has(spec.key)) continue;
    const option = el("option", null, `${spec.name} — ${spec.role.split(" · ")[0]}`);
    option.value = spec.key;
    select.append(option);
  }
  const add = el("option", null, "A new person (a stranger to the bot)…");
  add.value = "new-person";
  select.append(add);
}

async function addPerson() {
  const name = (window.prompt("First name of the new person", "Bekzod") || "").trim();
  if (!name) return;
  const user = await api("POST", "/users", { first_name: name, language_code: "ru" });
  const person = { id: user.id, name, role: "New person", pinned: false };
  page.info.people.push(person);
  openPane(paneSpecs().find((s) => s.key === `user-${user.id}`));
}

async function resetDemo() {
  if (!window.confirm("Forget every request and conversation and start the demo again?")) return;
  const button = document.getElementById("reset-demo");
  button.disabled = true;
  // the stream would say "reset" too: closed first, so that the panes load once
  if (page.stream) page.stream.close();
  page.stream = null;
  try {
    await api("POST", "/page/reset", {});
  } catch (error) {
    window.alert(`The demo could not be reset: ${error.message}`);
  } finally {
    button.disabled = false;
    reloadPanes();
  }
}

function setOffline(offline) {
  document.getElementById("offline").hidden = !offline;
}

// ------------------------------------------------------------------ the tour

const TOUR = [
  ["resident", "You play three people at once. Start as the <b>resident</b>, Dilnoza, who is new to the bot: type <code>/start</code> in her chat and choose <b>English</b>."],
  ["resident", "Press <b>📱 Share my phone number</b> under her chat, type a name, then find the building: type <code>Amir</code> (or use <b>📍 Share my location</b>) and pick it."],
  ["resident", "Type an apartment number (e.g. <code>7</code>) and choose <b>Owner</b>. The manager is asked to verify the address."],
  ["manager", "Now be the <b>manager</b>, Malika: a <b>Verification request</b> arrived in her chat. Press <b>Approve</b>."],
  ["resident", "Back to Dilnoza: press <b>📝 New request</b> → <b>Plumbing</b> → <b>My apartment</b>, describe the leak, attach a photo with 📎, press <b>Done</b>, then <b>Normal</b>, <b>Any time</b> twice and <b>Confirm</b>."],
  ["manager", "Malika gets the new request (and the staff group a post; the LLM adds a second opinion). Press <b>📂 Open</b> → <b>👷 Assign</b> → <b>Rustam</b>."],
  ["executor", "As the <b>executor</b>, Rustam: <b>✅ Accept</b> → <b>▶️ Start</b> → <b>🚗 30 min</b> → <b>✅ Complete</b>, send an “after” photo with 📎, press <b>✅ Done</b> and type what was done."],
  ["resident", "Dilnoza is asked to accept the work: <b>✅ Accept</b> → <b>5 ⭐</b> → a word of thanks. That is one whole request! Open the staff group and storage channel from <b>+ Open a chat</b>, or switch a language with 🌐."],
];

let tourIndex = 0;

function showTour(index) {
  tourIndex = Math.max(0, Math.min(index, TOUR.length - 1));
  const [role, html] = TOUR[tourIndex];
  document.getElementById("tour").hidden = false;
  document.getElementById("tour-step").textContent = `Tour · ${tourIndex + 1} of ${TOUR.length}`;
  document.getElementById("tour-text").innerHTML = html;
  document.getElementById("tour-back").disabled = tourIndex === 0;
  document.getElementById("tour-next").textContent = tourIndex === TOUR.length - 1 ? "Finish" : "Next";
  const keys = [...page.panes.keys()];
  const target = keys[{ resident: 0, executor: 1, manager: 2 }[role]];
  for (const [key, pane] of page.panes) pane.root.classList.toggle("spotlight", key === target);
}

function closeTour() {
  document.getElementById("tour").hidden = true;
  for (const pane of page.panes.values()) pane.root.classList.remove("spotlight");
  localStorage.setItem("ukbot-sandbox-tour", "done");
}

// ------------------------------------------------------------------ start

async function main() {
  page.info = await api("GET", "/page");
  page.bot = page.info.bot;
  if (page.bot) {
    document.getElementById("bot-name").textContent =
      `@${page.bot.username} · a local Telegram, no account needed`;
  }
  for (const spec of paneSpecs()) if (spec.pinned) openPane(spec);
  refreshAddMenu();
  document.getElementById("add-pane").addEventListener("change", (ev) => {
    const key = ev.target.value;
    ev.target.value = "";
    if (key === "new-person") addPerson();
    else if (key) openPane(paneSpecs().find((s) => s.key === key));
  });
  document.getElementById("reset-demo").addEventListener("click", resetDemo);
  document.getElementById("tour-open").addEventListener("click", () => showTour(0));
  document.getElementById("tour-close").addEventListener("click", closeTour);
  document.getElementById("tour-back").addEventListener("click", () => showTour(tourIndex - 1));
  document.getElementById("tour-next").addEventListener("click", () => {
    if (tourIndex === TOUR.length - 1) closeTour();
    else showTour(tourIndex + 1);
  });
  if (!localStorage.getItem("ukbot-sandbox-tour")) showTour(0);
  document.body.dataset.ready = "1";
}

main().catch((error) => {
  document.getElementById("panes").replaceChildren(el("p", "fatal", `The sandbox is not reachable: ${error.message}`));
});
