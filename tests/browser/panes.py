"""Driving one chat pane of the sandbox page the way a person would: typing and clicking."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.async_api import Locator, Page, expect


class PaneDriver:
    def __init__(self, page: Page, key: str) -> None:
        self.page = page
        self.root: Locator = page.locator(f"section.pane[data-pane='{key}']")

    @classmethod
    def person(cls, page: Page, user_id: int) -> PaneDriver:
        return cls(page, f"user-{user_id}")

    def rows(self, text: str | re.Pattern[str] | None = None) -> Locator:
        rows = self.root.locator(".messages .row")
        return rows if text is None else rows.filter(has_text=text)

    async def expect(self, text: str | re.Pattern[str], *, bot: bool = True) -> Locator:
        """Waits until a message containing ``text`` is shown; returns its row (the last)."""
        rows = self.root.locator(".messages .row.in" if bot else ".messages .row")
        row = rows.filter(has_text=text).last
        await expect(row).to_be_visible()
        return row

    async def type(self, text: str) -> None:
        box = self.root.locator(".composer .composer-input")
        await box.click()
        await box.fill(text)
        await box.press("Enter")
        await expect(self.rows(text).last).to_be_visible()

    async def press(self, label: str, *, message: Locator | None = None) -> Any:
        """Clicks the inline button (on ``message``, else the newest one with that label)
        and waits for its spinner to go."""
        scope = message if message is not None else self.root.locator(".messages")
        button = scope.locator(".inline-keyboard .kb-button").filter(has_text=label).last
        await button.click()
        await expect(self.root.locator(".kb-button.busy")).to_have_count(0)

    async def press_reply(self, label: str) -> None:
        button = self.root.locator(".reply-keyboard .kb-button").filter(has_text=label)
        await button.first.click()

    async def attach_photo(self, path: Path) -> None:
        await self._attach_from_disk("photo", path)
        await expect(self.root.locator(".messages .row.out img.photo").last).to_be_visible()

    async def attach_document(self, path: Path) -> Locator:
        """Sends ``path`` as a document from the 📎 sheet; returns its download link."""
        await self._attach_from_disk("document", path)
        link = self.root.locator(".messages .row.out a.document").filter(has_text=path.name).last
        await expect(link).to_be_visible()
        return link

    async def _attach_from_disk(self, kind: str, path: Path) -> None:
        await self.root.locator(".composer .attach").click()
        async with self.page.expect_file_chooser() as chooser:
            await self.root.locator(f"[data-attach='{kind}']").click()
        await (await chooser.value).set_files(str(path))

    async def send_voice(self) -> Locator:
        """Sends the sample voice note from the 📎 sheet; returns its player."""
        players = self.root.locator(".messages .row.out .voice audio")
        before = await players.count()
        await self.root.locator(".composer .attach").click()
        await self.root.locator("[data-attach='voice']").click()
        await expect(players).to_have_count(before + 1)
        return players.last

    async def inline_query(self, text: str) -> Locator:
        """Types ``@bot text`` and waits for the results list; returns it."""
        box = self.root.locator(".composer .composer-input")
        await box.click()
        await box.fill(text)
        results = self.root.locator(".inline-results")
        await expect(results.locator(".inline-item").first).to_be_visible()
        return results

    async def share_location(self, place: str) -> None:
        """Picks a demo point from the location sheet (opened by the reply button)."""
        sheet = self.root.locator(".location-sheet")
        await expect(sheet).to_be_visible()
        await sheet.locator(".place").filter(has_text=place).click()
        await expect(self.root.locator(".messages .row.out .location").last).to_be_visible()
