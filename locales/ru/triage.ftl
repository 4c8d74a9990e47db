## LLM second opinion for managers

triage-suggestion = 🤖 Второе мнение по заявке { $number }: ассистент отнёс бы её к категории «{ $category }», срочность — { $urgency }. Если согласны, измените это в карточке заявки.
