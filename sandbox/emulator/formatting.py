"""Message formatting: parse_mode → plain text + MessageEntity list.

Telegram rejects malformed markup with "Bad Request: can't parse entities: ...";
a bot that formats user input without escaping breaks in production exactly
there, so the emulator parses strictly instead of just stripping tags.
Offsets and lengths of entities are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, bad_request

Entity = dict[str, Any]


def utf16_len(text: str) -> int:
    # Fast path: most texts are in the BMP (Cyrillic, Latin), one unit per char.
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _entities_error(text: str) -> ApiError:
    return bad_request(f"can't parse entities: {text}")


def parse(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Return (plain text, entities) for ``text`` formatted with ``parse_mode``."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


# --------------------------------------------------------------------------- HTML

_HTML_SPECIAL = re.compile(r"[<&]")
_TAG_END = re.compile(r"[\s>]")
_ENTITY = re.compile(r"&(#?[A-Za-z0-9]{1,10});")
_ATTR = re.compile(r"""\s*([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_ALL_TAGS = {*_SIMPLE_TAGS, "a", "span", "blockquote", "tg-emoji", "tg-time"}


def parse_html(src: str) -> tuple[str, list[Entity]]:
    out: list[str] = []
    pos = 0  # UTF-16 position in the output
    entities: list[Entity] = []
    # Open tags: (tag name, entity under construction or None, output position).
    stack: list[tuple[str, Entity | None, int]] = []
    i = 0
    n = len(src)
    while i < n:
        m = _HTML_SPECIAL.search(src, i)
        if m is None:
            chunk = src[i:]
            out.append(chunk)
            pos += utf16_len(chunk)
            break
        j = m.start()
        if j > i:
            chunk = src[i:j]
            out.append(chunk)
            pos += utf16_len(chunk)
        if src[j] == "&":
            end = src.find(";", j + 1, j + 12)
            decoded = _decode_entity(src[j + 1 : end]) if end != -1 else None
            if decoded is None:
                out.append("&")  # Telegram leaves unknown entities as text
                pos += 1
                i = j + 1
            else:
                out.append(decoded)
                pos += utf16_len(decoded)
                i = end + 1
            continue
        # A tag; the rules (and error texts) follow Telegram's parser: the tag
        # name runs up to whitespace or ">", then attributes up to ">".
        at = j
        k = _TAG_END.search(src, j + 1)
        name_end = k.start() if k else n
        if src.startswith("</", j):
            if not stack:
                raise _entities_error(f"Unexpected end tag at byte offset {_byte_offset(src, at)}")
            name = src[j + 2 : name_end].lower()
            close = name_end
            while close < n and src[close].isspace():
                close += 1
            if close >= n or src[close] != ">":
                raise _entities_error(f"Unclosed end tag at byte offset {_byte_offset(src, at)}")
            open_name, entity, start = stack.pop()
            if name and name != open_name:
                raise _entities_error(
                    f"Unmatched end tag at byte offset {_byte_offset(src, at)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            if entity is not None and pos > start:
                entity["offset"] = start
                entity["length"] = pos - start
                entities.append(entity)
            i = close + 1
            continue
        if name_end >= n:
            raise _entities_error(f"Unclosed start tag at byte offset {_byte_offset(src, at)}")
        name = src[j + 1 : name_end].lower()
        if name not in _ALL_TAGS:
            raise _entities_error(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, at)}'
            )
        close = src.find(">", name_end)
        if close == -1:
            raise _entities_error(f"Unclosed start tag at byte offset {_byte_offset(src, at)}")
        attrs = {
            a.group(1).lower(): _decode_attr((a.group(2) or "").strip("\"'"))
            for a in _ATTR.finditer(src, name_end, close)
        }
        entity = _html_entity(name, attrs, stack, src, at)
        stack.append((name, entity, pos))
        i = close + 1
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _decode_attr(value: str) -> str:
    return _ENTITY.sub(lambda m: _decode_entity(m.group(1)) or m.group(0), value)


def _decode_entity(name: str) -> str | None:
    if name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name]
    try:
        if name.startswith(("#x", "#X")):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
    except (ValueError, OverflowError):
        return None
    return None


def _html_entity(
    name: str,
    attrs: dict[str, str],
    stack: list[tuple[str, Entity | None, int]],
    src: str,
    at: int,
) -> Entity | None:
    if name in _SIMPLE_TAGS:
        kind = _SIMPLE_TAGS[name]
        if kind == "code" and stack and stack[-1][0] == "pre" and stack[-1][1] is not None:
            # <pre><code class="language-x"> is one pre entity with a language.
            lang = attrs.get("class", "")
            if lang.startswith("language-"):
                stack[-1][1]["language"] = lang[len("language-") :]
            return None
        return {"type": kind}
    if name == "a":
        href = attrs.get("href", "")
        if href.startswith("tg://user?id="):
            try:
                user_id = int(href.split("=", 1)[1])
            except ValueError:
                return None
            return {
                "type": "text_mention",
                "user": {"id": user_id, "is_bot": False, "first_name": ""},
            }
        return {"type": "text_link", "url": href} if href else None
    if name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise _entities_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(src, at)}'
            )
        return {"type": "spoiler"}
    if name == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if name == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    return None  # tg-time and friends: accepted, no entity kept


# ---------------------------------------------------------------------- Markdown

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
}


def parse_markdown_v2(src: str) -> tuple[str, list[Entity]]:
    out: list[str] = []
    pos = 0
    entities: list[Entity] = []
    stack: list[tuple[str, int, int]] = []  # (entity type, output pos, source index)
    i = 0
    n = len(src)
    line_start = True
    quote_start: int | None = None

    def emit(chunk: str) -> None:
        nonlocal pos
        out.append(chunk)
        pos += utf16_len(chunk)

    def toggle(kind: str, at: int) -> None:
        for k in range(len(stack) - 1, -1, -1):
            if stack[k][0] == kind:
                _, start, _ = stack.pop(k)
                if pos > start:
                    entities.append({"type": kind, "offset": start, "length": pos - start})
                return
        stack.append((kind, pos, at))

    while i < n:
        c = src[i]
        if c == "\n":
            if quote_start is not None and not src.startswith(">", i + 1):
                entities.append(
                    {"type": "blockquote", "offset": quote_start, "length": pos - quote_start}
                )
                quote_start = None
            emit(c)
            i += 1
            line_start = True
            continue
        at_line_start = line_start
        line_start = False
        if c == "\\" and i + 1 < n:
            emit(src[i + 1])
            i += 2
        elif c == ">" and at_line_start:
            if quote_start is None:
                quote_start = pos
            i += 1
        elif c == "*":
            toggle("bold", i)
            i += 1
        elif c == "_":
            if src.startswith("__", i):
                toggle("underline", i)
                i += 2
            else:
                toggle("italic", i)
                i += 1
        elif c == "~":
            toggle("strikethrough", i)
            i += 1
        elif c == "|" and src.startswith("||", i):
            toggle("spoiler", i)
            i += 2
        elif c == "`":
            i = _md_code(src, i, emit, entities, lambda: pos, v2=True)
        elif c == "[" or (c == "!" and src.startswith("![", i)):
            stack.append(("text_link", pos, i))
            i += 2 if c == "!" else 1
        elif c == "]" and any(k == "text_link" for k, _, _ in stack):
            if not src.startswith("(", i + 1):
                raise _entities_error(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            url, i = _md_url(src, i + 2)
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == "text_link":
                    _, start, _ = stack.pop(k)
                    if pos > start:
                        entities.append(
                            {
                                "type": "text_link",
                                "offset": start,
                                "length": pos - start,
                                "url": url,
                            }
                        )
                    break
        elif c in _MDV2_RESERVED:
            raise _entities_error(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            emit(c)
            i += 1
    if quote_start is not None and pos > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start, "length": pos - quote_start})
    if stack:
        kind, _, at = stack[-1]
        raise _entities_error(
            f"Can't find end of {_MDV2_NAMES.get(kind, kind)} entity at byte offset {_byte_offset(src, at)}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _md_url(src: str, i: int) -> tuple[str, int]:
    url: list[str] = []
    while i < len(src):
        c = src[i]
        if c == "\\" and i + 1 < len(src):
            url.append(src[i + 1])
            i += 2
            continue
        if c == ")":
            return "".join(url), i + 1
        url.append(c)
        i += 1
    raise _entities_error("Can't find end of a URL")


def _md_code(src: str, i: int, emit: Any, entities: list[Entity], pos: Any, *, v2: bool) -> int:
    """Parse `code` or ```pre``` starting at ``i``; returns the index after it."""
    fence = "```" if src.startswith("```", i) else "`"
    start_src = i
    i += len(fence)
    language = ""
    if fence == "```":
        nl = src.find("\n", i)
        end_probe = src.find("```", i)
        if nl != -1 and (end_probe == -1 or nl < end_probe):
            language = src[i:nl].strip()
            i = nl + 1
    start = pos()
    buf: list[str] = []
    while i < len(src):
        if v2 and src[i] == "\\" and i + 1 < len(src):
            buf.append(src[i + 1])
            i += 2
            continue
        if src.startswith(fence, i):
            chunk = "".join(buf)
            emit(chunk)
            length = pos() - start
            if length:
                entity: Entity = {
                    "type": "pre" if fence == "```" else "code",
                    "offset": start,
                    "length": length,
                }
                if language:
                    entity["language"] = language
                entities.append(entity)
            return i + len(fence)
        buf.append(src[i])
        i += 1
    name = "Pre" if fence == "```" else "Code"
    if v2:
        raise _entities_error(
            f"Can't find end of {name} entity at byte offset {_byte_offset(src, start_src)}"
        )
    raise _entities_error(
        f"Can't find end of the entity starting at byte offset {_byte_offset(src, start_src)}"
    )


def parse_markdown(src: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out: list[str] = []
    pos = 0
    entities: list[Entity] = []
    i = 0
    n = len(src)
    open_: tuple[str, int, int] | None = None  # legacy Markdown has no nesting

    def emit(chunk: str) -> None:
        nonlocal pos
        out.append(chunk)
        pos += utf16_len(chunk)

    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            emit(src[i + 1])
            i += 2
        elif c in "*_":
            kind = "bold" if c == "*" else "italic"
            if open_ is None:
                open_ = (kind, pos, i)
            elif open_[0] == kind:
                if pos > open_[1]:
                    entities.append({"type": kind, "offset": open_[1], "length": pos - open_[1]})
                open_ = None
            else:
                emit(c)
            i += 1
        elif c == "`" and open_ is None:
            i = _md_code(src, i, emit, entities, lambda: pos, v2=False)
        elif c == "[" and open_ is None:
            close = src.find("](", i)
            end = src.find(")", close) if close != -1 else -1
            if close == -1 or end == -1:
                emit(c)
                i += 1
                continue
            label = src[i + 1 : close]
            start = pos
            emit(label)
            if pos > start:
                entities.append(
                    {
                        "type": "text_link",
                        "offset": start,
                        "length": pos - start,
                        "url": src[close + 2 : end],
                    }
                )
            i = end + 1
        else:
            emit(c)
            i += 1
    if open_ is not None:
        raise _entities_error(
            f"Can't find end of the entity starting at byte offset {_byte_offset(src, open_[2])}"
        )
    return "".join(out), entities


# ------------------------------------------------------------- incoming messages

_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?")


def user_entities(text: str) -> list[Entity]:
    """Entities Telegram attaches to a text typed by a user (commands at the start)."""
    m = _COMMAND.match(text)
    if not m:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))}]
