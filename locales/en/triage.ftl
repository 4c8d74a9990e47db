## LLM second opinion for managers

triage-suggestion = 🤖 Second opinion on request { $number }: the assistant would file it as { $category }, { $urgency }. Change it on the request card if you agree.
