"""In-memory file storage with Telegram-like ``file_id`` / ``file_unique_id``."""

from __future__ import annotations

import base64
import hashlib
import itertools
import mimetypes
import secrets
import struct
import zlib
from dataclasses import dataclass
from typing import Any

# Real file_ids start with a type-specific prefix; keeping it helps a reader of
# logs tell a photo id from a document id, as with Telegram.
_PREFIX = {
    "photo": "AgAC",
    "document": "BQAC",
    "video": "BAAC",
    "voice": "AwAC",
    "audio": "CQAC",
    "animation": "CgAC",
    "video_note": "DQAC",
    "sticker": "CAAC",
}
_FOLDER = {
    "photo": "photos",
    "document": "documents",
    "video": "videos",
    "voice": "voice",
    "audio": "music",
    "animation": "animations",
    "video_note": "video_notes",
    "sticker": "stickers",
}
_DEFAULT_EXT = {
    "photo": ".jpg",
    "video": ".mp4",
    "voice": ".oga",
    "audio": ".mp3",
    "animation": ".mp4",
    "video_note": ".mp4",
    "sticker": ".webp",
}
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile refuses bigger files, like Telegram


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    source_url: str | None = None
    # The media object (Video, Document, ...) built on first send and reused when
    # the file is sent again by file_id, so metadata stays the same.
    media: dict[str, Any] | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def file_object(self) -> dict[str, Any]:
        """The ``File`` object returned by getFile."""
        out: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.size <= MAX_DOWNLOAD_SIZE:
            out["file_path"] = self.file_path
        return out


class FileStore:
    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        # file_id → PhotoSize list, shared by all sizes of one photo so that
        # sending any of its file_ids yields the same sizes.
        self.photos: dict[str, list[dict[str, Any]]] = {}
        self._counter = itertools.count(1)

    def add(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        unique_salt: str = "",
        source_url: str | None = None,
    ) -> StoredFile:
        n = next(self._counter)
        digest = hashlib.sha1(data + unique_salt.encode(), usedforsecurity=False).digest()
        # Same bytes → same file_unique_id, as Telegram does for identical files.
        unique = "AQAD" + base64.urlsafe_b64encode(digest[:9]).decode()
        file_id = _PREFIX.get(kind, "BQAC") + "Ag" + secrets.token_urlsafe(42)
        ext = _DEFAULT_EXT.get(kind)
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1][:8]
        if mime_type is None or mime_type == "application/octet-stream":
            guessed = mimetypes.guess_type(file_name or f"x{ext or ''}")[0]
            mime_type = guessed or mime_type
        width, height = image_size(data) if kind in ("photo", "sticker") else (0, 0)
        if not (0 < width <= 20_000 and 0 < height <= 20_000):
            width, height = 0, 0  # unknown or garbage header: use the defaults below
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            kind=kind,
            data=data,
            file_path=f"{_FOLDER.get(kind, 'documents')}/file_{n}{ext or ''}",
            file_name=file_name,
            mime_type=mime_type,
            width=width or 1280,
            height=height or 960,
            source_url=source_url,
        )
        self.by_id[file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self.by_id.get(file_id)

    def clear(self) -> None:
        self.by_id.clear()
        self.by_path.clear()
        self.photos.clear()


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG/GIF/JPEG header; (0, 0) when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            seg_len = struct.unpack(">H", data[i + 2 : i + 4])[0]
            i += 2 + seg_len
    return 0, 0


def photo_sizes(stored: StoredFile, thumb: StoredFile | None) -> list[dict[str, Any]]:
    """PhotoSize list (smallest first) as Telegram returns for a photo."""
    full = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "width": stored.width,
        "height": stored.height,
    }
    if thumb is None:
        return [full]
    scale = 90 / max(stored.width, stored.height)
    small = {
        "file_id": thumb.file_id,
        "file_unique_id": thumb.file_unique_id,
        "file_size": thumb.size,
        "width": max(1, round(stored.width * scale)),
        "height": max(1, round(stored.height * scale)),
    }
    return [small, full]


def sample_png(
    width: int = 320, height: int = 240, rgb: tuple[int, int, int] | None = None
) -> bytes:
    """A valid solid-colour PNG (random colour → distinct file_unique_id)."""
    color = bytes(rgb or (secrets.randbelow(256), secrets.randbelow(256), secrets.randbelow(256)))
    raw = b"".join(b"\x00" + color * width for _ in range(height))

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def sample_bytes(kind: str) -> bytes:
    """Plausible bytes for a file of ``kind`` when a test does not provide any."""
    noise = secrets.token_bytes(16)
    if kind in ("photo", "sticker"):
        return sample_png()
    if kind == "document":
        return b"%PDF-1.4\n% sandbox document\n" + noise.hex().encode() + b"\n%%EOF\n"
    if kind in ("video", "animation", "video_note"):
        return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + noise
    if kind == "voice":
        return b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead" + noise
    if kind == "audio":
        return b"ID3\x03\x00\x00\x00\x00\x00\x00" + noise
    return noise


DEFAULT_NAMES = {
    "document": ("document.pdf", "application/pdf"),
    "video": ("video.mp4", "video/mp4"),
    "animation": ("animation.mp4", "video/mp4"),
    "video_note": (None, "video/mp4"),
    "voice": (None, "audio/ogg"),
    "audio": ("audio.mp3", "audio/mpeg"),
    "photo": (None, None),
    "sticker": (None, "image/webp"),
}
