## LLM second opinion for managers

triage-suggestion = 🤖 { $number }-ariza bo'yicha ikkinchi fikr: yordamchi uni «{ $category }» toifasiga, shoshilinchligini { $urgency } deb belgilagan bo'lardi. Rozi bo'lsangiz, ariza kartasida o'zgartiring.
