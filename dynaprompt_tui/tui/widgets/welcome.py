"""What an empty conversation shows: how to chat and how to schedule. Twelve rows with its box,
so that at 80x24 (and down to 20 rows) it is whole, its first line in view."""

WELCOME = """\
Welcome to dynaprompt. Chat with the bot, and schedule messages for it or for you:

    dps chatbot tomorrow at 9am
    Ask me how the interview went.

    dps user in 20 minutes
    Stretch your legs!

Enter sends · ctrl+j new line · ctrl+n new schedule
ctrl+o conversations · ctrl+f search · F1 help · ctrl+p commands"""
