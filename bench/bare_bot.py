"""The baseline of the benchmark: a bare aiogram bot (no database, no middlewares, no
FSM storage of its own) answering the same exchange as the real bot's journey — the
same number and kinds of updates: texts and one photo answered with messages and
keyboards, button presses answered and their message edited, and the hand-overs
(the bot messages the manager, the executor, the resident) sent directly.

    UKBOT_BOT_TOKEN=... UKBOT_TELEGRAM_API_URL=http://127.0.0.1:8081 python -m bench.bare_bot

People are found by id arithmetic (see ``bench.world.People``): the lane's manager is
``resident + MANAGER_OFFSET``, its executor ``resident + EXECUTOR_OFFSET``. Only
aiogram is imported, so start-up time and memory are aiogram's own.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import time

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

MANAGER_OFFSET = 2
EXECUTOR_OFFSET = 3

router = Router()
_numbers = itertools.count(1)
_jobs: dict[int, tuple[str, int]] = {}  # executor -> (request number, resident)
_feedback: dict[int, str] = {}  # resident -> request number awaiting a comment


def _kb(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in buttons]
    )


def _edit_target(query: CallbackQuery) -> Message:
    assert isinstance(query.message, Message)
    return query.message


# --------------------------------------------------------------------------- resident


@router.message(Command("new"))
async def on_new(message: Message) -> None:
    await message.answer(
        "📝 New request. What is the problem about?",
        reply_markup=_kb(("🚰 Plumbing", "s:cat"), ("💡 Electricity", "s:cat"), ("Other", "s:cat")),
    )


@router.callback_query(F.data == "s:cat")
async def on_category(query: CallbackQuery) -> None:
    await query.answer()
    await _edit_target(query).edit_text(
        "📍 Where is the problem?",
        reply_markup=_kb(("🏠 My apartment", "s:place"), ("🏢 Common area", "s:place")),
    )


@router.callback_query(F.data == "s:place")
async def on_place(query: CallbackQuery) -> None:
    await query.answer()
    await _edit_target(query).edit_text("✍️ Describe the problem in a few words.")


@router.message(F.text.startswith("desc:"))
async def on_description(message: Message) -> None:
    await message.answer(
        "📎 Add photos, videos or documents. When you are done, press Done.",
        reply_markup=_kb(("Done", "s:photos"), ("Skip", "s:photos")),
    )


@router.message(F.photo)
async def on_photo(message: Message) -> None:
    assert message.from_user is not None
    job = _jobs.get(message.from_user.id)
    if job is not None:
        await message.answer(
            "Photo received. Send more or press Done.",
            reply_markup=_kb(("✅ Done", f"e:ph:{job[0]}:{job[1]}")),
        )
        return
    await message.answer(
        "📎 Files attached: 1 of 10. Send more or press Done.",
        reply_markup=_kb(("Done", "s:photos")),
    )


@router.callback_query(F.data == "s:photos")
async def on_photos_done(query: CallbackQuery) -> None:
    await query.answer()
    await _edit_target(query).edit_text(
        "⏱ How urgent is it?",
        reply_markup=_kb(("Low", "s:urg"), ("Normal", "s:urg"), ("🔥 Urgent", "s:urg")),
    )


@router.callback_query(F.data == "s:urg")
async def on_urgency(query: CallbackQuery) -> None:
    await query.answer()
    await _edit_target(query).edit_text(
        "🔑 How can the specialist get in?",
        reply_markup=_kb(("Any time", "s:access"), ("Call me first", "s:access")),
    )


@router.callback_query(F.data == "s:access")
async def on_access(query: CallbackQuery) -> None:
    await query.answer()
    await _edit_target(query).edit_text(
        "🕒 When is a visit convenient?",
        reply_markup=_kb(("Any time", "s:when"), ("Evening", "s:when")),
    )


@router.callback_query(F.data == "s:when")
async def on_when(query: CallbackQuery) -> None:
    await query.answer()
    await _edit_target(query).edit_text(
        "Please check your request:\nPlumbing, my apartment, normal, any time.",
        reply_markup=_kb(("✅ Confirm", "s:confirm"), ("Cancel", "s:cancel")),
    )


@router.callback_query(F.data == "s:confirm")
async def on_confirm(query: CallbackQuery, bot: Bot) -> None:
    number = time.strftime("%y%m%d") + f"-{next(_numbers):03d}"
    resident = query.from_user.id
    await query.answer()
    await _edit_target(query).edit_text(f"✅ Request №{number} is filed. We will keep you posted.")
    await bot.send_message(
        resident + MANAGER_OFFSET,
        f"🆕 New request №{number}: Plumbing, my apartment.",
        reply_markup=_kb(("📂 Open", f"m:open:{number}:{resident}")),
    )


# --------------------------------------------------------------------------- manager


@router.callback_query(F.data.startswith("m:open:"))
async def on_open(query: CallbackQuery) -> None:
    _, _, number, resident = str(query.data).split(":")
    await query.answer()
    await _edit_target(query).answer(
        f"📄 Request {number}\nStatus: new",
        reply_markup=_kb(("👷 Assign", f"m:assign:{number}:{resident}")),
    )


@router.callback_query(F.data.startswith("m:assign:"))
async def on_assign(query: CallbackQuery) -> None:
    _, _, number, resident = str(query.data).split(":")
    await query.answer()
    await _edit_target(query).answer(
        f"👷 Executor for request {number} (page 1 of 1):\n1. Exec — Plumber, on duty",
        reply_markup=_kb(("1. Exec", f"m:pick:{number}:{resident}")),
    )


@router.callback_query(F.data.startswith("m:pick:"))
async def on_pick(query: CallbackQuery, bot: Bot) -> None:
    _, _, number, resident = str(query.data).split(":")
    await query.answer("Assigned: Exec")
    await _edit_target(query).edit_text(f"📄 Request {number}\nStatus: Assigned, executor: Exec")
    await bot.send_message(
        int(resident) + EXECUTOR_OFFSET,
        f"🔔 Request {number} is assigned to you.",
        reply_markup=_kb(("✅ Accept", f"e:acc:{number}:{resident}")),
    )


# --------------------------------------------------------------------------- executor


@router.callback_query(F.data.startswith("e:acc:"))
async def on_accept_job(query: CallbackQuery, bot: Bot) -> None:
    _, _, number, resident = str(query.data).split(":")
    await query.answer()
    await _edit_target(query).edit_text(
        f"🛠 Job {number}\nStatus: Accepted",
        reply_markup=_kb(("▶️ Start", f"e:start:{number}:{resident}")),
    )
    await bot.send_message(int(resident), f"Request {number}: Accepted by executor")


@router.callback_query(F.data.startswith("e:start:"))
async def on_start_job(query: CallbackQuery) -> None:
    _, _, number, resident = str(query.data).split(":")
    await query.answer()
    await _edit_target(query).edit_text(
        f"🛠 Job {number}\nAre you on your way? When will you be there?",
        reply_markup=_kb(("🚗 30 min", f"e:eta:{number}:{resident}")),
    )


@router.callback_query(F.data.startswith("e:eta:"))
async def on_eta(query: CallbackQuery) -> None:
    _, _, number, resident = str(query.data).split(":")
    await query.answer()
    await _edit_target(query).edit_text(
        f"🛠 Job {number}\nStatus: In progress",
        reply_markup=_kb(("✅ Complete", f"e:done:{number}:{resident}")),
    )


@router.callback_query(F.data.startswith("e:done:"))
async def on_complete(query: CallbackQuery) -> None:
    _, _, number, resident = str(query.data).split(":")
    _jobs[query.from_user.id] = (number, int(resident))
    await query.answer()
    await _edit_target(query).answer(f'📷 Send "after" photos of job {number}, then press Done.')


@router.callback_query(F.data.startswith("e:ph:"))
async def on_photos(query: CallbackQuery) -> None:
    number = str(query.data).split(":")[2]
    await query.answer()
    await _edit_target(query).edit_text(
        f"📎 One file attached to job {number}. Now describe briefly what was done."
    )


@router.message(F.text.startswith("comment:"))
async def on_comment(message: Message, bot: Bot) -> None:
    assert message.from_user is not None
    number, resident = _jobs.pop(message.from_user.id)
    await message.answer(f"✅ Job {number} is completed.")
    await bot.send_message(
        resident,
        f"✅ Request {number} is done. Please check the work.",
        reply_markup=_kb(("✅ Accept", f"r:acc:{number}"), ("↩️ Return", f"r:ret:{number}")),
    )


# --------------------------------------------------------------------------- resident again


@router.callback_query(F.data.startswith("r:acc:"))
async def on_accept_work(query: CallbackQuery) -> None:
    number = str(query.data).split(":")[2]
    await query.answer()
    await _edit_target(query).edit_text(
        f"Request {number}. How do you rate the work?",
        reply_markup=_kb(*((f"{n} ⭐", f"r:rate:{number}:{n}") for n in range(1, 6))),
    )


@router.callback_query(F.data.startswith("r:rate:"))
async def on_rate(query: CallbackQuery) -> None:
    _, _, number, stars = str(query.data).split(":")
    _feedback[query.from_user.id] = number
    await query.answer()
    await _edit_target(query).edit_text(f"Your rating: {stars} ⭐. Add a comment?")


@router.message(F.text.startswith("feedback:"))
async def on_feedback(message: Message, bot: Bot) -> None:
    assert message.from_user is not None
    resident = message.from_user.id
    number = _feedback.pop(resident)
    await message.answer(f"Request {number} is closed with your rating of 5 ⭐. Thank you!")
    await bot.send_message(
        resident + EXECUTOR_OFFSET, f"The resident accepted request {number} with a rating of 5"
    )


@router.message()
async def on_anything(message: Message) -> None:
    await message.answer("Unknown command.")


@router.callback_query()
async def on_any_press(query: CallbackQuery) -> None:
    await query.answer()


async def main() -> None:
    api = os.environ.get("UKBOT_TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
    bot = Bot(
        os.environ["UKBOT_BOT_TOKEN"], session=AiohttpSession(api=TelegramAPIServer.from_base(api))
    )
    dp = Dispatcher()
    dp.include_router(router)
    await dp.start_polling(bot, polling_timeout=30)


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("UKBOT_LOG_LEVEL", "WARNING").upper())
    asyncio.run(main())
