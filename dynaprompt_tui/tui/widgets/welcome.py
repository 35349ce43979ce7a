"""What an empty conversation shows: how to chat and how to schedule."""

WELCOME = """\
Welcome to dynaprompt.

Chat with the bot, and schedule messages — for the bot or for yourself:

    dps chatbot tomorrow at 9am
    Ask me how the interview went.

    dps user in 20 minutes
    Stretch your legs!

Enter sends · ctrl+j new line · ctrl+n new schedule
ctrl+o conversations · ctrl+f search · F1 help · ctrl+p commands"""
